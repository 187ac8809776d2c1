package io.ann4j.runtime.tpu.stablehlo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A structural check of the modules the emitter writes (the subset of MLIR's textual form it
 * uses): every SSA name is defined before it is used, operands have the types the op's signature
 * says, and every function returns what it declares. Returns the problems found; none means
 * the module is well formed in these respects.
 */
public final class StableHloChecker {
    private static final Pattern FUNC = Pattern.compile("^\\s*func\\.func (?:public |private )?@(\\S+)\\((.*)\\) -> (.*) \\{$");
    private static final Pattern ARG = Pattern.compile("(%[\\w#]+): (tensor<[^>]*>)");
    private static final Pattern DEF = Pattern.compile("^\\s*(%[\\w]+)(?::(\\d+))? = (.*)$");
    private static final Pattern NAME = Pattern.compile("%[\\w]+(?:#\\d+)?");
    private static final Pattern TYPE = Pattern.compile("tensor<[^>]*>");

    private StableHloChecker() {}

    public static List<String> check(String module) {
        List<String> problems = new ArrayList<>();
        Map<String, String> types = null;
        List<String> declared = null;
        String function = null;
        String pendingRegion = null; // a sort or scatter whose region is open: typed at its end
        int pendingResults = 0;
        java.util.Set<String> outsideRegion = null; // names defined before the region (its own are local)
        int lineNo = 0;
        for (String line : module.split("\n")) {
            lineNo++;
            String where = "line " + lineNo + " (" + function + "): ";
            Matcher f = FUNC.matcher(line);
            if (f.matches()) {
                function = f.group(1);
                types = new HashMap<>();
                Matcher a = ARG.matcher(f.group(2));
                while (a.find()) {
                    types.put(a.group(1), a.group(2));
                }
                declared = types(f.group(3));
                continue;
            }
            if (types == null) {
                continue;
            }
            String trimmed = line.trim();
            if (trimmed.startsWith("})") && pendingRegion != null) {
                // the end of a sort's or scatter's region: its signature types the op's results
                types.keySet().retainAll(outsideRegion);
                int arrow = trimmed.indexOf(" -> ");
                List<String> res = arrow < 0 ? List.of() : types(trimmed.substring(arrow + 4));
                if (pendingResults == 1) {
                    types.put(pendingRegion, res.isEmpty() ? "?" : res.get(0));
                } else {
                    types.remove(pendingRegion + "#0");
                    for (int i = 0; i < res.size(); i++) {
                        types.put(pendingRegion + "#" + i, res.get(i));
                    }
                }
                pendingRegion = null;
                continue;
            }
            if (trimmed.startsWith("^bb0(")) {
                Matcher a = ARG.matcher(trimmed);
                while (a.find()) {
                    types.put(a.group(1), a.group(2));
                }
                continue;
            }
            if (trimmed.startsWith("return ") || trimmed.startsWith("stablehlo.return ")) {
                String[] parts = trimmed.substring(trimmed.indexOf(' ') + 1).split(" : ", 2);
                List<String> used = names(parts[0]);
                List<String> got = parts.length > 1 ? types(parts[1]) : List.of();
                for (int i = 0; i < used.size(); i++) {
                    String t = types.get(used.get(i));
                    if (t == null) {
                        problems.add(where + used.get(i) + " is returned but never defined");
                    } else if (i < got.size() && !t.equals(got.get(i))) {
                        problems.add(where + used.get(i) + " has type " + t + " but is returned as " + got.get(i));
                    }
                }
                // a function's own return (func's or stablehlo's, as JAX writes comparators), not a region's
                if ((trimmed.startsWith("return ") || pendingRegion == null) && !got.equals(declared)) {
                    problems.add(where + "returns " + got + " but the function declares " + declared);
                }
                continue;
            }
            Matcher d = DEF.matcher(line);
            if (!d.matches()) {
                continue;
            }
            String name = d.group(1);
            int results = d.group(2) == null ? 1 : Integer.parseInt(d.group(2));
            String rhs = d.group(3);
            int colon = rhs.lastIndexOf(" : ");
            String ops = colon < 0 ? rhs : rhs.substring(0, colon);
            String signature = colon < 0 ? "" : rhs.substring(colon + 3);
            List<String> operands = names(ops);
            for (String o : operands) {
                if (!types.containsKey(o)) {
                    problems.add(where + o + " is used before it is defined");
                }
            }
            List<String> operandTypes;
            List<String> resultTypes;
            int arrow = signature.indexOf(" -> ");
            if (arrow >= 0) {
                operandTypes = types(signature.substring(0, arrow));
                resultTypes = types(signature.substring(arrow + 4));
            } else {
                resultTypes = types(signature);
                operandTypes = new ArrayList<>();
                for (int i = 0; i < operands.size(); i++) {
                    operandTypes.add(resultTypes.isEmpty() ? null : resultTypes.get(0));
                }
            }
            if (operandTypes.size() == operands.size()) {
                for (int i = 0; i < operands.size(); i++) {
                    String t = types.get(operands.get(i));
                    if (t != null && operandTypes.get(i) != null && !t.equals(operandTypes.get(i))) {
                        problems.add(where + operands.get(i) + " has type " + t + " but is used as " + operandTypes.get(i));
                    }
                }
            } else if (arrow >= 0 && !rhs.endsWith("({")) {
                problems.add(where + operands.size() + " operands but " + operandTypes.size() + " operand types");
            }
            if (results != resultTypes.size() && !rhs.endsWith("({")) {
                problems.add(where + name + " defines " + results + " results but the signature has " + resultTypes.size());
            }
            if (types.containsKey(name) || types.containsKey(name + "#0")) {
                problems.add(where + name + " is defined twice");
            }
            if (rhs.endsWith("({")) {
                pendingRegion = name;
                pendingResults = results;
                types.put(name + "#0", "?"); // marks the name taken while the region is open
                outsideRegion = new java.util.HashSet<>(types.keySet());
            } else if (results == 1) {
                types.put(name, resultTypes.isEmpty() ? "?" : resultTypes.get(0));
            } else {
                for (int i = 0; i < results; i++) {
                    types.put(name + "#" + i, i < resultTypes.size() ? resultTypes.get(i) : "?");
                }
            }
        }
        return problems;
    }

    private static List<String> names(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = NAME.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static List<String> types(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = TYPE.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
