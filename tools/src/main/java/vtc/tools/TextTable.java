package vtc.tools;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table: the first column left-aligned, the others right-aligned, widths from the content. */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) {
        rows.add(header);
    }

    TextTable row(Object... cells) {
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = cells[i] instanceof Double d ? String.format("%.2f", d) : String.valueOf(cells[i]);
        }
        rows.add(text);
        return this;
    }

    @Override
    public String toString() {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                String format = c == 0 ? "%-" + width[c] + "s" : "  %" + width[c] + "s";
                out.append(String.format(format, r[c]));
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }
}
