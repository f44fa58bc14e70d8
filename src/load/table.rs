//! From rows of cells to a typed table: find the header row, map headers to canonical
//! columns, read every cell as its column's type, and check ids — reporting every
//! problem with the file, row, header and value the clerk can find.

use super::grid::{Cell, Grid};
use super::schema::{ColumnSpec, TableKind, ValueType, match_header, normalise_header};
use super::values;
use crate::FastMap;
use crate::load::problem::{Expected, Problem, ProblemKind, Problems};
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Column holding each row's number as the spreadsheet shows it.
pub const ROW: &str = "_row";

/// How far down a title, notes and blank rows may push the header row.
const HEADER_SEARCH_ROWS: usize = 50;

/// A table read and typed: every canonical column of its kind is present (all-null when the
/// file lacks it), plus [`ROW`] where [`keeps_rows`].
#[derive(Debug, Clone)]
pub struct Table {
    pub kind: TableKind,
    /// The file as shown to the user.
    pub file: String,
    pub sheet: Option<String>,
    /// Canonical column → header as written, for the columns the file has.
    pub headers: BTreeMap<&'static str, String>,
    pub frame: DataFrame,
}

impl Table {
    pub fn has(&self, canonical: &str) -> bool {
        self.headers.contains_key(canonical)
    }
}

/// One mapped column: its position in the row, its spec, its header as written.
pub(super) struct Mapped {
    pub index: usize,
    pub spec: &'static ColumnSpec,
    pub header: String,
}

/// Finds the header row: the first row in which at least two cells (or every non-blank
/// cell, if only one) name known columns.
pub(super) fn find_header(kind: TableKind, grid: &Grid) -> Option<usize> {
    grid.rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|(_, cells)| {
            let filled = cells.iter().filter(|c| !c.is_blank()).count();
            let known = cells
                .iter()
                .filter(|c| match_header(kind, &c.display()).is_some())
                .count();
            known >= 2 || (known == 1 && filled == 1)
        })
}

/// How generic an id header is: the table's own (群编号, 群ID, 账号编号…) 0, a bare 编号
/// or ID 1, the running number 序号 2.
fn id_generality(normalised: &str) -> usize {
    match normalised {
        "序号" => 2,
        "编号" | "id" => 1,
        _ => 0,
    }
}

/// Maps header cells to canonical columns. When several headers name one column, the most
/// specific wins: for the id, the table's own header (群编号, 群ID, 账号编号…) over a bare
/// 编号, which wins over the running number 序号 (a sheet with both 编号 and 群编号 often
/// numbers its rows in 编号); otherwise the one listed first among the aliases.
pub(super) fn map_columns(kind: TableKind, header: &[Cell]) -> Vec<Mapped> {
    let mut best: BTreeMap<&'static str, ((usize, usize), Mapped)> = BTreeMap::new();
    for (index, cell) in header.iter().enumerate() {
        let written = cell.display();
        let Some(spec) = match_header(kind, &written) else {
            continue;
        };
        let h = normalise_header(&written);
        let generality = if spec.canonical == "id" {
            id_generality(&h)
        } else {
            0
        };
        let position = std::iter::once(spec.canonical)
            .chain(spec.aliases.iter().copied())
            .position(|a| normalise_header(a) == h)
            .unwrap_or(usize::MAX);
        let rank = (generality, position);
        let candidate = Mapped {
            index,
            spec,
            header: values::trim_spaces(&written).to_string(),
        };
        match best.get(spec.canonical) {
            Some((r, _)) if *r <= rank => {}
            _ => {
                best.insert(spec.canonical, (rank, candidate));
            }
        }
    }
    let mut mapped: Vec<Mapped> = best.into_values().map(|(_, m)| m).collect();
    mapped.sort_by_key(|m| m.index);
    mapped
}

/// The other columns whose header names the id, besides the one [`map_columns`] chose:
/// (position, header as written).
pub(super) fn shadowed_ids(
    kind: TableKind,
    header: &[Cell],
    mapped: &[Mapped],
) -> Vec<(usize, String)> {
    let Some(chosen) = mapped.iter().find(|m| m.spec.canonical == "id") else {
        return Vec::new();
    };
    header
        .iter()
        .enumerate()
        .filter(|&(index, cell)| {
            index != chosen.index
                && match_header(kind, &cell.display()).is_some_and(|s| s.canonical == "id")
        })
        .map(|(index, cell)| (index, values::trim_spaces(&cell.display()).to_string()))
        .collect()
}

/// Whether a column's values are the running number 1, 2, … n (n ≥ 2) of a 序号 column.
pub(super) fn is_running_number<S: AsRef<str>>(
    values: impl IntoIterator<Item = Option<S>>,
) -> bool {
    let mut n = 0usize;
    for value in values {
        let number = value.and_then(|v| {
            values::fold_width(values::trim_spaces(v.as_ref()))
                .parse::<usize>()
                .ok()
        });
        if number != Some(n + 1) {
            return false;
        }
        n += 1;
    }
    n >= 2
}

/// The problem of an id column holding a running number 1..n while another id column
/// (`other`) holds something else: ids matched across snapshots would be row numbers,
/// which shift whenever a row is added or deleted. An error rather than a warning, since
/// every figure would be silently wrong.
pub(super) fn running_number_id(file: &str, header: &str, rows: usize, other: &str) -> Problem {
    Problem {
        column: Some(header.to_string()),
        ..Problem::file(
            file,
            ProblemKind::RunningNumberId {
                rows,
                other: other.to_string(),
            },
        )
    }
}

/// The typed values of one column, as they are read.
enum Values {
    Text(Vec<Option<String>>),
    Count(Vec<Option<i64>>),
    Date(Vec<Option<i32>>),
    Bool(Vec<Option<bool>>),
}

impl Values {
    fn for_type(ty: ValueType, capacity: usize) -> Values {
        match ty {
            ValueType::Text
            | ValueType::Id
            | ValueType::IdRef
            | ValueType::Status
            | ValueType::Term => Values::Text(Vec::with_capacity(capacity)),
            ValueType::Count => Values::Count(Vec::with_capacity(capacity)),
            ValueType::Date => Values::Date(Vec::with_capacity(capacity)),
            ValueType::Bool => Values::Bool(Vec::with_capacity(capacity)),
        }
    }

    fn len(&self) -> usize {
        match self {
            Values::Text(v) => v.len(),
            Values::Count(v) => v.len(),
            Values::Date(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    fn push_null(&mut self) {
        match self {
            Values::Text(v) => v.push(None),
            Values::Count(v) => v.push(None),
            Values::Date(v) => v.push(None),
            Values::Bool(v) => v.push(None),
        }
    }

    fn into_column(self, name: &str) -> Column {
        let name = PlSmallStr::from(name);
        match self {
            Values::Text(v) => Column::new(name, v),
            Values::Count(v) => Column::new(name, v),
            Values::Date(v) => Column::new(name, v)
                .cast(&DataType::Date)
                .expect("Int32 always casts to Date"),
            Values::Bool(v) => Column::new(name, v),
        }
    }
}

fn days_since_epoch(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    (d - epoch).num_days() as i32
}

/// Reads one cell as its column's type; `Err` carries what was expected.
fn read_cell(ty: ValueType, cell: &Cell, values: &mut Values) -> Result<(), ProblemKind> {
    let bad = |e| Err(ProblemKind::BadValue(e));
    match (values, cell) {
        (Values::Text(v), Cell::Empty) if ty == ValueType::Status => {
            v.push(Some(values::Status::Active.as_str().into()))
        }
        (Values::Text(v), Cell::Empty) if ty == ValueType::Id => {
            v.push(None);
            return Err(ProblemKind::EmptyRequired);
        }
        (values, Cell::Empty) => values.push_null(),
        (Values::Text(v), cell) => {
            let text = values::clean_text(&cell.display());
            let value = match ty {
                ValueType::Status => match values::parse_status(&text) {
                    Some(s) => Some(s.as_str().to_string()),
                    None => return bad(Expected::Status),
                },
                ValueType::Term if text.is_empty() => None,
                ValueType::Term => match values::parse_term(&text) {
                    Some(t) => Some(t.as_str().to_string()),
                    None => return bad(Expected::Term),
                },
                ValueType::Id if text.is_empty() => return Err(ProblemKind::EmptyRequired),
                _ if text.is_empty() => None,
                // Free text may hold a phone or ID-card number; it never leaves load unmasked.
                ValueType::Text if crate::privacy::may_hold_number(&text) => {
                    Some(crate::privacy::mask_numbers(&text))
                }
                _ => Some(text),
            };
            v.push(value);
        }
        (Values::Count(v), cell) => {
            let n = match cell {
                Cell::Number(f) => values::count_from_number(*f),
                Cell::Text(s) if values::trim_spaces(s).is_empty() => {
                    v.push(None);
                    return Ok(());
                }
                Cell::Text(s) => values::parse_count(s),
                _ => None,
            };
            match n {
                Some(n) => v.push(Some(n)),
                None => return bad(Expected::Count),
            }
        }
        (Values::Date(v), cell) => {
            // Every date cell is typed by `values::read_date`, as on the columnar path.
            let d = match cell {
                Cell::Date(f) | Cell::Number(f) => {
                    values::read_date(values::DateCell::WorkbookNumber(*f))
                }
                Cell::Text(s) if values::trim_spaces(s).is_empty() => {
                    v.push(None);
                    return Ok(());
                }
                Cell::Text(s) => values::read_date(values::DateCell::Text(s)),
                _ => Err(Expected::Date),
            };
            match d {
                Ok(d) => v.push(Some(days_since_epoch(d))),
                Err(expected) => return bad(expected),
            }
        }
        (Values::Bool(v), cell) => {
            let b = match cell {
                Cell::Bool(b) => Some(*b),
                Cell::Number(f) if *f == 1.0 => Some(true),
                Cell::Number(f) if *f == 0.0 => Some(false),
                Cell::Text(s) if values::trim_spaces(s).is_empty() => {
                    v.push(None);
                    return Ok(());
                }
                Cell::Text(s) => values::parse_bool(s),
                _ => None,
            };
            match b {
                Some(b) => v.push(Some(b)),
                None => return bad(Expected::Bool),
            }
        }
    }
    Ok(())
}

/// Types a grid as a table of `kind`, adding every problem found to `problems`.
/// Returns `None` when the table cannot be read at all (no header, missing required column).
pub fn type_table(
    kind: TableKind,
    file: &str,
    grid: Grid,
    unread: &[&str],
    coder: &super::ids::Coder,
    problems: &mut Problems,
) -> Option<Table> {
    let Some(header_at) = find_header(kind, &grid) else {
        let expected = kind
            .columns()
            .iter()
            .take(4)
            .map(|c| c.aliases[0].to_string())
            .collect();
        problems.push(Problem::file(file, ProblemKind::NoHeaderRow { expected }));
        return None;
    };
    let mapped = map_columns(kind, &grid.rows[header_at].1);
    if !check_required(kind, file, &mapped, problems) {
        return None;
    }

    let body: Vec<&(usize, Vec<Cell>)> = grid.rows[header_at + 1..]
        .iter()
        .filter(|(_, cells)| !cells.iter().all(Cell::is_blank))
        .collect();
    let mut columns: Vec<Values> = mapped
        .iter()
        .map(|m| Values::for_type(m.spec.ty, body.len()))
        .collect();
    let mut rows = Vec::with_capacity(body.len());
    let width = grid.rows[header_at].1.len();
    for (line, cells) in &body {
        rows.push(*line as u32);
        // A CSV row longer than its header loses values: an unquoted comma shifted them.
        if let Some(extra) = cells.get(width..)
            && extra.iter().any(|c| !c.is_blank())
        {
            let fields = width + extra.iter().rposition(|c| !c.is_blank()).unwrap_or(0) + 1;
            problems.push(Problem {
                row: Some(*line),
                ..Problem::file(
                    file,
                    ProblemKind::RaggedRow {
                        fields,
                        columns: width,
                    },
                )
            });
        }
        for (m, values) in mapped.iter().zip(columns.iter_mut()) {
            let cell = cells.get(m.index).unwrap_or(&Cell::Empty);
            let checked = match super::limits::check_cell(cell) {
                Some(kind) => {
                    values.push_null();
                    Err(kind)
                }
                None => read_cell(m.spec.ty, cell, values),
            };
            // An unreadable cell is null, so the table stays whole and every later
            // check (duplicate ids, merge targets) still runs and reports.
            if values.len() < rows.len() {
                values.push_null();
            }
            if let Err(kind) = checked {
                problems.push(Problem::cell(
                    file,
                    *line,
                    m.header.clone(),
                    cell.display(),
                    kind,
                ));
            }
        }
    }

    let shadowed = shadowed_ids(kind, &grid.rows[header_at].1, &mapped);
    if let Some(id) = mapped.iter().find(|m| m.spec.canonical == "id")
        && !shadowed.is_empty()
    {
        let column = |index: usize| {
            body.iter()
                .map(move |(_, cells)| cells.get(index).map(Cell::display))
        };
        if is_running_number(column(id.index))
            && let Some((_, other)) = shadowed
                .iter()
                .find(|(index, _)| !is_running_number(column(*index)))
        {
            problems.push(running_number_id(file, &id.header, body.len(), other));
        }
    }

    let mut frame_columns: Vec<Column> = Vec::with_capacity(kind.columns().len() + 1);
    let mut by_name: HashMap<&str, Values> = mapped
        .iter()
        .map(|m| m.spec.canonical)
        .zip(columns)
        .collect();
    for spec in kind.columns() {
        let column = match by_name.remove(spec.canonical) {
            Some(values) if !unread.contains(&spec.canonical) => {
                code_ids(kind, values.into_column(spec.canonical), coder)
            }
            _ => absent_column(spec, body.len()),
        };
        frame_columns.push(column);
    }
    if keeps_rows(kind) {
        frame_columns.push(Column::new(ROW.into(), rows));
    }
    let frame = DataFrame::new(body.len(), frame_columns).ok()?;
    let headers = mapped
        .into_iter()
        .map(|m| (m.spec.canonical, m.header))
        .collect();
    let table = Table {
        kind,
        file: file.to_string(),
        sheet: grid.sheet,
        headers,
        frame,
    };
    check_table(&table, problems);
    Some(table)
}

/// Reports every required column the mapping lacks; false when any is missing.
pub(super) fn check_required(
    kind: TableKind,
    file: &str,
    mapped: &[Mapped],
    problems: &mut Problems,
) -> bool {
    let mut complete = true;
    for spec in kind.columns().iter().filter(|c| c.required) {
        if !mapped.iter().any(|m| m.spec.canonical == spec.canonical) {
            let accepted = spec.aliases.iter().map(|a| a.to_string()).collect();
            problems.push(Problem::file(
                file,
                ProblemKind::MissingColumn {
                    canonical: spec.canonical,
                    accepted,
                },
            ));
            complete = false;
        }
    }
    complete
}

/// The column of a canonical name the file lacks: all null, except status (a table
/// without a status column lists only items in use).
pub(super) fn absent_column(spec: &ColumnSpec, height: usize) -> Column {
    if spec.ty == ValueType::Status {
        return Values::Text(vec![Some(values::Status::Active.as_str().into()); height])
            .into_column(spec.canonical);
    }
    // One null repeated, not a value per row.
    let dtype = Values::for_type(spec.ty, 0)
        .into_column(spec.canonical)
        .dtype()
        .clone();
    Column::full_null(spec.canonical.into(), height, &dtype)
}

/// Whether a table of `kind` keeps [`ROW`]: the checks on ids and merge targets read it.
/// A members table has no such check, and a province's has tens of millions of rows.
pub(super) fn keeps_rows(kind: TableKind) -> bool {
    kind != TableKind::Members
}

/// A typed column as the table holds it: the ids of a members table as codes
/// ([`super::ids`]), which every reader of the table expects.
pub(super) fn code_ids(kind: TableKind, column: Column, coder: &super::ids::Coder) -> Column {
    if !super::ids::is_coded(kind, column.name()) || column.dtype() != &DataType::String {
        return column;
    }
    coder.code(&column).expect("a text column is coded")
}

/// The checks on a whole typed table: unique ids, known merge targets.
pub(super) fn check_table(table: &Table, problems: &mut Problems) {
    check_ids(table, problems);
    check_merge_targets(table, problems);
}

/// Ids must be unique within a table (groups, accounts, units).
fn check_ids(table: &Table, problems: &mut Problems) {
    let key = match table.kind {
        TableKind::Members | TableKind::Proposed => return,
        TableKind::Units => "unit",
        TableKind::Groups | TableKind::Accounts | TableKind::Requests => "id",
    };
    let (Ok(ids), Ok(rows)) = (
        table.frame.column(key).and_then(|c| c.str().cloned()),
        table.frame.column(ROW).and_then(|c| c.u32().cloned()),
    ) else {
        return;
    };
    let mut first: FastMap<&str, u32> =
        FastMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (id, row) in ids.iter().zip(rows.into_no_null_iter()) {
        let Some(id) = id else { continue };
        if let Some(&first_row) = first.get(id) {
            problems.push(Problem::cell(
                &table.file,
                row as usize,
                table.headers[key].clone(),
                id,
                ProblemKind::DuplicateId {
                    first_row: first_row as usize,
                },
            ));
        } else {
            first.insert(id, row);
        }
    }
}

/// Every `merged_into` must name an item of the same table.
fn check_merge_targets(table: &Table, problems: &mut Problems) {
    if !table.has("merged_into") {
        return;
    }
    let (Ok(ids), Ok(targets), Ok(rows)) = (
        table.frame.column("id").and_then(|c| c.str().cloned()),
        table
            .frame
            .column("merged_into")
            .and_then(|c| c.str().cloned()),
        table.frame.column(ROW).and_then(|c| c.u32().cloned()),
    ) else {
        return;
    };
    let known: FastMap<&str, ()> = ids.iter().flatten().map(|id| (id, ())).collect();
    for (target, row) in targets.iter().zip(rows.into_no_null_iter()) {
        if let Some(target) = target
            && !known.contains_key(target)
        {
            problems.push(Problem::cell(
                &table.file,
                row as usize,
                table.headers["merged_into"].clone(),
                target,
                ProblemKind::UnknownMergeTarget,
            ));
        }
    }
}
