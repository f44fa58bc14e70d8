//! 报备申请: the files `jianfu vet` reads — one request's members (`--members`), or a batch
//! of requests (`--requests`), whose members are a 成员编号 list in each row or a second
//! sheet (申请成员) of members by 申请编号. Read as every inventory is: the same header
//! matching, cell typing and row-precise problems ([`super::table::type_table`]).

use super::campaign::shown;
use super::grid::{self, Format};
use super::ids::Coder;
use super::problem::{Problem, ProblemKind, Problems};
use super::schema::TableKind;
use super::table::{ROW, Table, type_table};
use crate::config::DEFAULT_MAX_TABLE_BYTES;
use crate::model::vet::Request;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Sheet names of a requests workbook's members sheet.
const MEMBER_SHEETS: [&str; 3] = ["申请成员", "request_members", "成员"];

/// Reads one table of `kind` from `path` (a named sheet of a workbook, or its first).
fn read(
    kind: TableKind,
    path: &Path,
    sheet: Option<&str>,
    file: &str,
    problems: &mut Problems,
) -> Option<Table> {
    if let Err(kind) = super::limits::check_table_file(path, DEFAULT_MAX_TABLE_BYTES) {
        problems.push(Problem::file(file, kind));
        return None;
    }
    match grid::read_grid(path, sheet, kind.stems()) {
        Ok(grid) => type_table(
            kind,
            file,
            grid,
            super::schema::unread(kind, false),
            &Coder::default(),
            problems,
        ),
        Err(problem) => {
            problems.push(Problem::file(file, problem));
            None
        }
    }
}

fn texts(table: &Table, column: &str) -> Vec<Option<String>> {
    table
        .frame
        .column(column)
        .ok()
        .and_then(|c| c.str().ok().cloned())
        .map(|c| c.iter().map(|v| v.map(str::to_string)).collect())
        .unwrap_or_else(|| vec![None; table.frame.height()])
}

fn rows(table: &Table) -> Vec<usize> {
    table
        .frame
        .column(ROW)
        .ok()
        .and_then(|c| c.u32().ok().cloned())
        .map(|c| c.iter().map(|v| v.unwrap_or(0) as usize).collect())
        .unwrap_or_default()
}

/// Splits a cell listing member ids: 、，,；; spaces and line breaks separate them.
pub fn split_members(cell: &str) -> Vec<String> {
    cell.split(|c: char| "、，,；;/|".contains(c) || c.is_whitespace() || c == '\u{3000}')
        .map(|s| super::values::fold_width(s.trim()).to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn push_unique(list: &mut Vec<String>, id: String) {
    if !list.contains(&id) {
        list.push(id);
    }
}

/// The members of one request (`--members FILE`): its 成员编号 column, duplicates dropped,
/// in the file's order. 姓名 is never read.
pub fn read_member_list(path: &Path) -> Result<Vec<String>, Vec<Problem>> {
    let file = shown(path);
    let mut problems = Problems::default();
    let table = read(TableKind::Proposed, path, None, &file, &mut problems);
    let Some(table) = table.filter(|_| problems.is_empty()) else {
        return Err(problems.into_vec());
    };
    let mut members = Vec::new();
    for id in texts(&table, "member_id").into_iter().flatten() {
        push_unique(&mut members, id);
    }
    Ok(members)
}

/// A batch of requests (`--requests FILE`), in the file's order.
pub fn read_requests(path: &Path) -> Result<Vec<Request>, Vec<Problem>> {
    let file = shown(path);
    let mut problems = Problems::default();
    let Some(table) = read(TableKind::Requests, path, None, &file, &mut problems) else {
        return Err(problems.into_vec());
    };
    let ids = texts(&table, "id");
    let (names, units, purposes, terms, lists) = (
        texts(&table, "name"),
        texts(&table, "unit"),
        texts(&table, "purpose"),
        texts(&table, "term"),
        texts(&table, "members"),
    );
    let expires: Vec<Option<chrono::NaiveDate>> = table
        .frame
        .column("expires")
        .ok()
        .and_then(|c| c.cast(&DataType::Int32).ok())
        .and_then(|c| c.i32().ok().cloned())
        .map(|c| {
            c.iter()
                .map(|d| {
                    d.and_then(|d| {
                        chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?
                            .checked_add_signed(chrono::TimeDelta::days(d.into()))
                    })
                })
                .collect()
        })
        .unwrap_or_else(|| vec![None; ids.len()]);
    let mut requests: Vec<Request> = (0..ids.len())
        .map(|i| {
            let mut members = Vec::new();
            for id in lists[i].as_deref().map(split_members).unwrap_or_default() {
                push_unique(&mut members, id);
            }
            Request {
                id: ids[i].clone().unwrap_or_default(),
                name: names[i].clone(),
                unit: units[i].clone(),
                purpose: purposes[i].clone(),
                stage: terms[i].as_deref().map(|t| t == "stage"),
                until: expires[i],
                members,
            }
        })
        .collect();
    if Format::from_path(path) == Some(Format::Excel) {
        member_sheet(path, &table, &mut requests, &mut problems);
    }
    if problems.is_empty() {
        Ok(requests)
    } else {
        Err(problems.into_vec())
    }
}

/// Adds the members listed on a workbook's 申请成员 sheet, if it has one, to their requests.
fn member_sheet(path: &Path, table: &Table, requests: &mut [Request], problems: &mut Problems) {
    use calamine::Reader;
    let Ok(workbook) = calamine::open_workbook_auto(path) else {
        return;
    };
    let names = workbook.sheet_names();
    let Some(sheet) = names.iter().find(|n| {
        Some(n.trim()) != table.sheet.as_deref().map(str::trim)
            && MEMBER_SHEETS
                .iter()
                .any(|m| n.trim().eq_ignore_ascii_case(m))
    }) else {
        return;
    };
    let file = format!("{}（{}）", shown(path), sheet.trim());
    let Some(members) = read(TableKind::Proposed, path, Some(sheet), &file, problems) else {
        return;
    };
    if !members.has("request_id") {
        problems.push(Problem::file(
            &file,
            ProblemKind::MissingColumn {
                canonical: "request_id",
                accepted: vec!["申请编号".into()],
            },
        ));
        return;
    }
    let by_id: BTreeMap<String, usize> = requests
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let header = members.headers["request_id"].clone();
    let lines = rows(&members);
    let owners = texts(&members, "request_id");
    let ids = texts(&members, "member_id");
    for ((owner, id), line) in owners.into_iter().zip(ids).zip(lines) {
        let Some(owner) = owner else {
            problems.push(Problem::cell(
                &file,
                line,
                header.clone(),
                "",
                ProblemKind::EmptyRequired,
            ));
            continue;
        };
        match by_id.get(&owner) {
            Some(&i) => {
                if let Some(id) = id {
                    push_unique(&mut requests[i].members, id);
                }
            }
            None => problems.push(Problem::cell(
                &file,
                line,
                header.clone(),
                owner,
                ProblemKind::UnknownRequest,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_lists_split_on_every_separator() {
        assert_eq!(
            split_members("M1、M2，M3,M4；M5 M6\nM7　Ｍ8"),
            ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8"]
        );
        assert!(split_members(" 、 ").is_empty());
    }
}
