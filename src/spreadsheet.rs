//! CSV files as staff open them: in a spreadsheet. Pure: no I/O.
//!
//! A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage
//! return before one) as a formula, so an area named `=HYPERLINK(..)` or a label someone
//! else chose could run in a staff member's Excel. As OWASP's "CSV Injection" advises,
//! every such cell is written with a `'` in front (the spreadsheet then shows it as text)
//! and every cell is quoted (so a spreadsheet splitting on `;` or tab cannot start a new
//! cell inside one). Files begin with a UTF-8 byte-order mark, without which Excel reads
//! Urdu as Latin-1.
//!
//! Reading one back ([`restore`]) takes off the `'` we added, and only that: a leading `'`
//! followed by one of those characters. So that a name that itself begins with `'` and
//! then one of them survives the round trip too, it is written with one more `'`.

use std::borrow::Cow;

/// The UTF-8 byte-order mark every CSV we write begins with.
pub const BOM: &str = "\u{FEFF}";

/// The characters a spreadsheet reads as the start of a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a cell, after any `'`s it begins with, begins as a formula.
fn formula_after_quotes(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A cell as it is written: with a `'` in front if a spreadsheet would read it as a
/// formula (or if it is such a cell behind `'`s of its own).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if formula_after_quotes(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell as it was before [`neutralise`]: the `'` it added taken off. A `'` anyone else
/// wrote in front of other text stays.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_after_quotes(rest) => rest,
        _ => cell,
    }
}

/// A CSV file being written: the byte-order mark first, every cell quoted and neutralised.
pub struct Csv(csv::Writer<Vec<u8>>);

impl Default for Csv {
    fn default() -> Csv {
        Csv::new()
    }
}

impl Csv {
    /// An empty file (the byte-order mark only).
    pub fn new() -> Csv {
        Csv(csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(BOM.as_bytes().to_vec()))
    }

    /// Adds a row.
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.0
            .write_record(
                cells
                    .into_iter()
                    .map(|c| neutralise(c.as_ref()).into_owned()),
            )
            .expect("CSV to memory");
    }

    /// The file's text.
    pub fn finish(self) -> String {
        let bytes = self.0.into_inner().expect("CSV to memory");
        String::from_utf8(bytes).expect("CSV of UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_restored_exactly() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://x\",\"click\")",
                "'=HYPERLINK(\"http://x\",\"click\")",
            ),
            ("+92 300", "'+92 300"),
            ("-1", "'-1"),
            ("@SUM(1)", "'@SUM(1)"),
            ("\tx", "'\tx"),
            ("\r=1", "'\r=1"),
            ("'=1", "''=1"),
            ("''+1", "'''+1"),
            ("Lahore", "Lahore"),
            ("لاہور", "لاہور"),
            ("'Ali", "'Ali"),
            ("NA-127", "NA-127"),
            ("", ""),
            ("'", "'"),
        ] {
            assert_eq!(neutralise(cell), written, "{cell:?}");
            assert_eq!(restore(written), cell, "{cell:?}");
        }
        // A hand-written `'` before a formula is taken as one of ours; other text keeps it.
        assert_eq!(restore("'=1"), "=1");
        assert_eq!(restore("'Ali"), "'Ali");
    }

    #[test]
    fn files_begin_with_a_byte_order_mark_and_quote_every_cell() {
        let mut csv = Csv::new();
        csv.row(["id", "name"]);
        csv.row(["a", "=1+1"]);
        let text = csv.finish();
        assert!(text.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]));
        assert_eq!(&text[3..], "\"id\",\"name\"\n\"a\",\"'=1+1\"\n");
    }
}
