package io.ann4j.cli.search;

import io.ann4j.cli.BadInputException;

/** What to do with rows that hold NaN or infinite values ({@code --on-nan}). */
public enum NanPolicy {
    /** Report the counts and stop with exit code 2. */
    ERROR,
    /** Leave those rows out (database) or give them no neighbours (queries: ids -1). */
    SKIP;

    /** {@code error} or {@code skip}. */
    public static NanPolicy parse(String s) {
        return switch (s) {
            case "error" -> ERROR;
            case "skip" -> SKIP;
            default -> throw new BadInputException("--on-nan " + s + " is not known; expected error or skip");
        };
    }
}
