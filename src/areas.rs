//! Where supporters are: the campaign's list of areas (cities and districts, and the
//! constituencies within them), in English and Urdu, and its CSV form for staff to import
//! and export. Pure: no I/O.
//!
//! A starter list of Pakistan's largest cities is compiled in and recorded at the first
//! start; from then on the database is the record and staff own it.

use serde::{Deserialize, Serialize};

/// The starter list: Pakistan's largest cities, English and Urdu names.
pub const STARTER_CSV: &str = include_str!("areas/starter.csv");

/// The longest area name kept, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// An area a remix may come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Area {
    /// Id: 1 to 40 of `a-z`, `0-9` and `-`, e.g. `rahim-yar-khan`.
    pub id: String,
    /// Its name in English.
    pub name_en: String,
    /// Its name in Urdu.
    pub name_ur: String,
    /// Retired: no longer offered; remixes that name it keep it.
    #[serde(default)]
    pub retired: bool,
    /// For a constituency, the city or district it is in; '' for a city or district.
    #[serde(default)]
    pub parent: String,
}

/// One row of an import that cannot be used, by its line in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BadRow {
    /// Its line in the file, counting the header as line 1.
    pub line: u64,
    /// What is wrong with it.
    pub why: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.why)
    }
}

/// Whether `id` may name an area.
pub fn valid_id(id: &str) -> bool {
    (1..=40).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

/// An id made from an English name: `Rahim Yar Khan` is `rahim-yar-khan`.
pub fn id_for(name_en: &str) -> String {
    let mut id = String::new();
    for c in name_en.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').chars().take(40).collect()
}

/// Checks an area's names, trimmed; the error says which.
pub fn check_names(name_en: &str, name_ur: &str) -> Result<(String, String), String> {
    for (field, name) in [("name_en", name_en), ("name_ur", name_ur)] {
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "{field} is longer than {MAX_NAME_CHARS} characters"
            ));
        }
    }
    let (en, ur) = (name_en.trim(), name_ur.trim());
    for (field, name) in [("name_en", en), ("name_ur", ur)] {
        if name.is_empty() {
            return Err(format!("{field} is empty"));
        }
        if name.chars().any(char::is_control) {
            return Err(format!("{field} holds a control character"));
        }
    }
    Ok((en.to_owned(), ur.to_owned()))
}

/// Reads a self-contained CSV of areas (see [`read_csv`]): every parent in the file.
pub fn from_csv(text: &str) -> Result<Vec<Area>, Vec<BadRow>> {
    read_csv(text, &[])
}

/// Reads a CSV of areas: a header naming `id`, `name_en` and `name_ur` (in any order;
/// `retired` optional, `true`/`false`; `parent` optional, the city or district a
/// constituency is in), then a row each. An empty id is made from the English name. A
/// parent must be in the file or in `known`, and be a city or district itself. Every bad
/// row is named, and then nothing is taken: an import is all or nothing.
pub fn read_csv(text: &str, known: &[Area]) -> Result<Vec<Area>, Vec<BadRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![BadRow {
                line: 1,
                why: format!("the header cannot be read: {e}"),
            }]);
        }
    };
    let column = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(id_at), Some(en_at), Some(ur_at)) =
        (column("id"), column("name_en"), column("name_ur"))
    else {
        return Err(vec![BadRow {
            line: 1,
            why: "the header must name the columns id, name_en and name_ur".into(),
        }]);
    };
    let retired_at = column("retired");
    let parent_at = column("parent");
    let mut areas: Vec<Area> = Vec::new();
    let mut lines: Vec<u64> = Vec::new();
    let mut bad = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                bad.push(BadRow {
                    line: e.position().map_or(line, |p| p.line()),
                    why: format!("cannot be read: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(line, |p| p.line());
        // Our exports put a `'` before names a spreadsheet would run; it comes off here.
        let field = |at: usize| crate::spreadsheet::restore(record.get(at).unwrap_or(""));
        let why = (|| {
            let (name_en, name_ur) = check_names(field(en_at), field(ur_at))?;
            let id = match field(id_at) {
                "" => id_for(&name_en),
                id => id.to_owned(),
            };
            if !valid_id(&id) {
                return Err(format!(
                    "id {id:?} must be 1 to 40 of a-z, 0-9 and '-', not starting with '-'"
                ));
            }
            if let Some(first) = areas.iter().position(|a| a.id == id) {
                return Err(format!("id {id:?} is already on row {}", first + 2));
            }
            let retired = match retired_at.map(field).unwrap_or("") {
                "" | "false" | "0" | "no" => false,
                "true" | "1" | "yes" => true,
                other => return Err(format!("retired is {other:?}; use true or false")),
            };
            let parent = parent_at.map(field).unwrap_or("").to_owned();
            if !parent.is_empty() && (!valid_id(&parent) || parent == id) {
                return Err(format!("parent {parent:?} cannot be this area's city"));
            }
            areas.push(Area {
                id,
                name_en,
                name_ur,
                retired,
                parent,
            });
            lines.push(line);
            Ok(())
        })();
        if let Err(why) = why {
            bad.push(BadRow { line, why });
        }
    }
    for (area, line) in areas.iter().zip(&lines) {
        if let Err(why) = check_parent(area, &areas, known) {
            bad.push(BadRow { line: *line, why });
        }
    }
    bad.sort_by_key(|b| b.line);
    if bad.is_empty() { Ok(areas) } else { Err(bad) }
}

/// Checks an area's parent against the list it joins (`areas`, then `known` for what
/// `areas` leaves out): a parent must be there and be a city or district, and a
/// constituency cannot have constituencies of its own.
pub fn check_parent(area: &Area, areas: &[Area], known: &[Area]) -> Result<(), String> {
    let find = |id: &str| {
        areas
            .iter()
            .find(|a| a.id == id)
            .or_else(|| known.iter().find(|a| a.id == id))
    };
    if area.parent.is_empty() {
        return Ok(());
    }
    match find(&area.parent) {
        None => Err(format!("parent {:?} is not an area", area.parent)),
        Some(p) if !p.parent.is_empty() => Err(format!(
            "parent {:?} is itself a constituency; name its city {:?}",
            p.id, p.parent
        )),
        Some(_) => {
            // (A row of `areas` naming this one is told its parent is a constituency.)
            let has_own = known
                .iter()
                .filter(|k| !areas.iter().any(|a| a.id == k.id))
                .any(|a| a.parent == area.id);
            if has_own {
                Err(format!(
                    "{:?} has constituencies of its own, so it cannot be one",
                    area.id
                ))
            } else {
                Ok(())
            }
        }
    }
}

/// Writes areas as the CSV [`from_csv`] reads, safe to open in a spreadsheet (a
/// byte-order mark, no cell it would run: see [`crate::spreadsheet`]).
pub fn to_csv(areas: &[Area]) -> String {
    let mut csv = crate::spreadsheet::Csv::new();
    csv.row(["id", "name_en", "name_ur", "retired", "parent"]);
    for a in areas {
        csv.row([
            a.id.as_str(),
            &a.name_en,
            &a.name_ur,
            if a.retired { "true" } else { "false" },
            &a.parent,
        ]);
    }
    csv.finish()
}

/// The starter list.
pub fn starter() -> Vec<Area> {
    from_csv(STARTER_CSV).expect("the starter list of areas reads")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_list_reads_and_writes_back_the_same() {
        let areas = starter();
        assert!(areas.len() >= 30);
        assert!(
            areas
                .iter()
                .any(|a| a.id == "lahore" && a.name_ur == "لاہور")
        );
        assert_eq!(from_csv(&to_csv(&areas)).unwrap(), areas);
    }

    #[test]
    fn names_a_spreadsheet_would_run_are_written_as_text_and_read_back_as_they_were() {
        let names = [
            "=HYPERLINK(\"http://x\",\"click\")",
            "+92 300",
            "-1",
            "@SUM(1)",
            "'=already quoted",
            "'Ali's place",
        ];
        let areas: Vec<Area> = names
            .iter()
            .enumerate()
            .map(|(i, name)| Area {
                id: format!("area-{i}"),
                name_en: (*name).to_owned(),
                name_ur: format!("{name} اردو"),
                retired: false,
                parent: String::new(),
            })
            .collect();
        let text = to_csv(&areas);
        assert!(text.starts_with('\u{FEFF}'), "a byte-order mark for Excel");
        // What a spreadsheet would see in each cell: never the start of a formula.
        let mut cells = csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
        for record in cells.records() {
            for cell in record.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{cell:?}"
                );
            }
        }
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\""));
        assert_eq!(from_csv(&text).unwrap(), areas);
    }

    #[test]
    fn a_bad_import_names_every_bad_row_and_takes_nothing() {
        let text = "id,name_en,name_ur\n\
                    lahore,Lahore,لاہور\n\
                    ,,کراچی\n\
                    Bad Id,Somewhere,کہیں\n\
                    lahore,Lahore again,لاہور\n\
                    ,Rahim Yar Khan,رحیم یار خان\n";
        let bad = from_csv(text).unwrap_err();
        let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [3, 4, 5], "{bad:?}");
        assert!(bad[0].why.contains("name_en"));
        assert!(bad[1].why.contains("Bad Id"));
        assert!(bad[2].why.contains("already on row 2"));
        // Columns in any order, ids made from names, a byte-order mark from a spreadsheet.
        let good = from_csv("\u{FEFF}name_ur,name_en,id\nرحیم یار خان,Rahim Yar Khan,\n").unwrap();
        assert_eq!(good[0].id, "rahim-yar-khan");
        assert!(
            from_csv("city,urdu\nLahore,لاہور\n").unwrap_err()[0]
                .why
                .contains("header")
        );
    }

    #[test]
    fn constituencies_name_a_city_in_the_file_or_on_the_list() {
        let known = starter();
        let text = "id,name_en,name_ur,parent\n\
                    na-127,NA-127 Lahore,این اے-127 لاہور,lahore\n\
                    na-128,NA-128,این اے-128,nowhere\n\
                    na-129,NA-129,این اے-129,na-127\n\
                    sahiwal,Sahiwal,ساہیوال,\n\
                    na-141,NA-141 Sahiwal,این اے-141,sahiwal\n";
        let bad = read_csv(text, &known).unwrap_err();
        let lines: Vec<u64> = bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [3, 4], "{bad:?}");
        assert!(bad[0].why.contains("nowhere"));
        assert!(bad[1].why.contains("itself a constituency"));
        let good = read_csv(
            "id,name_en,name_ur,parent\nna-127,NA-127,این اے-127,lahore\n",
            &known,
        )
        .unwrap();
        assert_eq!(good[0].parent, "lahore");
        assert_eq!(read_csv(&to_csv(&good), &known).unwrap(), good);
        // A city with constituencies cannot become one.
        let lahore_in_kasur = Area {
            parent: "kasur".into(),
            ..known.iter().find(|a| a.id == "lahore").unwrap().clone()
        };
        assert!(
            check_parent(
                &lahore_in_kasur,
                std::slice::from_ref(&lahore_in_kasur),
                &[
                    good[0].clone(),
                    Area {
                        id: "kasur".into(),
                        name_en: "Kasur".into(),
                        name_ur: "قصور".into(),
                        retired: false,
                        parent: String::new()
                    }
                ]
            )
            .is_err()
        );
    }
}
