package io.ann4j.cli.io;

import io.ann4j.cli.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small CSV file of numbers, one row per line (a first line that is not numeric is taken as a
 * header). Held on the heap: CSV is for small inputs and results.
 */
final class CsvMatrix implements Matrix {
    private final Path file;
    private final double[] values;
    private final long rows;
    private final int cols;
    private final boolean integers;

    CsvMatrix(Path file) {
        MappedFile.checkReadable(file);
        this.file = file;
        List<double[]> parsed = new ArrayList<>();
        boolean allInts = true;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            int width = -1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                double[] row = new double[cells.length];
                try {
                    for (int i = 0; i < cells.length; i++) {
                        String cell = cells[i].strip();
                        row[i] = Double.parseDouble(cell);
                        allInts &= cell.matches("[-+]?\\d+");
                    }
                } catch (NumberFormatException e) {
                    if (parsed.isEmpty() && width < 0) {
                        width = cells.length; // a header line
                        continue;
                    }
                    throw new BadInputException(file, "line " + lineNo + " has a cell that is not a number ('" + line.strip()
                            + "'); expected comma-separated numbers");
                }
                if (width >= 0 && row.length != width) {
                    throw new BadInputException(file, "line " + lineNo + " has " + row.length + " columns but earlier lines have "
                            + width + "; expected one width");
                }
                width = row.length;
                parsed.add(row);
            }
            rows = parsed.size();
            cols = Math.max(width, 0);
        } catch (IOException e) {
            throw new BadInputException(file, "cannot be read (" + e.getMessage() + "); expected a readable CSV file", e);
        }
        values = new double[Math.toIntExact(rows * cols)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(parsed.get(r), 0, values, r * cols, cols);
        }
        integers = allInts && rows > 0;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public String dtype() {
        return integers ? "int64" : "float64";
    }

    @Override
    public void readRows(long start, int count, float[] dst) {
        int from = Math.toIntExact(start * cols);
        for (int i = 0; i < count * cols; i++) {
            dst[i] = (float) values[from + i];
        }
    }

    @Override
    public void readIntRows(long start, int count, int[] dst) {
        if (!integers) {
            throw new BadInputException(file, "holds non-integer numbers; expected integer ids");
        }
        int from = Math.toIntExact(start * cols);
        for (int i = 0; i < count * cols; i++) {
            dst[i] = Math.toIntExact((long) values[from + i]);
        }
    }

    @Override
    public void close() {
        // Nothing mapped.
    }
}
