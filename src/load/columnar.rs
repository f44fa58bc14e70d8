//! The fast path for big tables: UTF-8 CSV read as columns (split at its commas on every
//! core where it holds no quote, else by polars' CSV reader), and Parquet read as columns,
//! then typed column by column — no grid of cells, no `String` per cell. A members table's
//! ids are coded as they are read, a big table's block by block ([`super::ids`]); the
//! columns no figure reads ([`super::schema::unread`]) are not parsed.
//!
//! It gives exactly what the grid path gives (the same values, the same problems, the
//! same row numbers), and steps aside (returns `None`) whenever it cannot promise that:
//! another encoding, blank lines, a quoted field spanning lines, ragged rows, a carriage
//! return that does not end a line. Row numbers: a data row's number is its index + the
//! header row's number + 1.

use super::grid::Cell;
use super::ids;
use super::schema::{TableKind, ValueType};
use super::table::{self, ROW, Table};
use super::values;
use crate::FastMap;
use crate::load::problem::{Expected, Problem, ProblemKind, Problems};
use polars::prelude::*;
use polars_arrow::array::{MutableBinaryViewArray, Utf8ViewArray};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

/// How many records may precede the header row (title, notes, blank rows).
const HEADER_SEARCH_ROWS: usize = 50;

/// Reads a UTF-8 CSV file with polars. `None`: use the grid path instead.
pub fn read_csv(
    kind: TableKind,
    file: &str,
    path: &Path,
    unread: &[&str],
    coder: &ids::Coder,
    problems: &mut Problems,
) -> Option<Option<Table>> {
    read_csv_in_blocks(kind, file, path, unread, coder, ids::BLOCK_ROWS, problems)
}

/// [`read_csv`], a members table read in blocks of `block_rows` lines.
fn read_csv_in_blocks(
    kind: TableKind,
    file: &str,
    path: &Path,
    unread: &[&str],
    coder: &ids::Coder,
    block_rows: usize,
    problems: &mut Problems,
) -> Option<Option<Table>> {
    // Read, not mapped: a mapped file cut short, or a network share's read error, ends the
    // process instead of giving an error (BENCHMARKS.md, eighth round).
    let bytes = std::fs::read(path).ok()?;
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let text = simdutf8::basic::from_utf8(&bytes[start..]).ok()?;
    // Cells the limits refuse (control characters, over-long cells) are reported, row by
    // row, by the grid path.
    if may_break_cell_limits(text) {
        return None;
    }
    // The header: the first records, read as the grid path reads them.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut head = super::grid::Grid::default();
    let mut ends = Vec::new();
    let mut record = csv::StringRecord::new();
    for index in 0..HEADER_SEARCH_ROWS {
        if !reader.read_record(&mut record).ok()? {
            break;
        }
        let cells = record
            .iter()
            .map(|f| {
                if f.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(f.to_string())
                }
            })
            .collect();
        head.rows.push((index + 1, cells));
        ends.push(reader.position().byte() as usize);
    }
    // No header row: let the grid path say so.
    let header_at = table::find_header(kind, &head)?;
    let body = &text[ends[header_at]..];
    // The csv reader stops between the two bytes of a CRLF (what Excel writes).
    let body = body
        .strip_prefix('\n')
        .filter(|_| text[..ends[header_at]].ends_with('\r'))
        .unwrap_or(body);
    let header: Vec<String> = head.rows[header_at].1.iter().map(Cell::display).collect();
    let width = header.len();
    let first_row = header_at + 2;
    if body.is_empty() {
        return None;
    }
    // One record per line, no blank line: else row numbers could differ. A CR ends a
    // record for the grid path's reader wherever it stands, and a line only before LF.
    let b = body.as_bytes();
    if body.contains("\n\n")
        || body.contains("\n\r\n")
        || body.starts_with(['\n', '\r'])
        || memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n'))
    {
        return None;
    }
    let lines = memchr::memchr_iter(b'\n', b).count() + usize::from(!body.ends_with('\n'));
    let header_cells: Vec<Cell> = header.iter().map(|h| Cell::Text(h.clone())).collect();
    let mapped = table::map_columns(kind, &header_cells);
    // A members table's ids are coded as it is read, block by block ([`code_block`]).
    let coded: Vec<(usize, usize)> = mapped
        .iter()
        .filter(|m| ids::is_coded(kind, m.spec.canonical))
        .filter_map(|m| {
            let table = ids::CODED.iter().position(|c| *c == m.spec.canonical)?;
            Some((m.index, table))
        })
        .collect();
    let blocks = if coded.is_empty() || lines <= block_rows {
        vec![(b, lines)]
    } else {
        blocks(b, lines, block_rows)
    };
    let schema = Arc::new(Schema::from_iter(
        (0..width).map(|i| Field::new(format!("c{i}").into(), DataType::String)),
    ));
    let read = |projection: Option<Vec<usize>>| -> Option<Vec<Column>> {
        let kept = projection.clone();
        // The header positions of the columns read, in the order polars hands them out.
        let mut read: Vec<usize> = kept.clone().unwrap_or_else(|| (0..width).collect());
        read.sort_unstable();
        let mut parts: Vec<Vec<Column>> = Vec::new();
        for &(block, block_lines) in &blocks {
            let mut columns = match split_plain(block, width, &read) {
                Some(columns) => columns,
                None => CsvReader::new(std::io::Cursor::new(block))
                    .with_options(
                        CsvReadOptions::default()
                            .with_has_header(false)
                            .with_schema(Some(schema.clone()))
                            .with_projection(projection.clone().map(Arc::new))
                            .with_raise_if_empty(false),
                    )
                    .finish()
                    .ok()?
                    .into_columns(),
            };
            if columns.first().map_or(0, Column::len) != block_lines {
                return None;
            }
            code_block(&mut columns, &read, &coded, coder);
            parts.resize_with(columns.len(), Vec::new);
            for (part, column) in parts.iter_mut().zip(columns) {
                part.push(column);
            }
        }
        let mut columns: Vec<Column> = parts.into_iter().map(concat).collect::<Option<_>>()?;
        // Unread columns stand in as nulls, so columns keep their header's position.
        if let Some(kept) = kept {
            let mut read = columns.into_iter();
            columns = (0..width)
                .map(|i| {
                    if kept.contains(&i) {
                        read.next()
                    } else {
                        Some(Column::full_null("".into(), lines, &DataType::String))
                    }
                })
                .collect::<Option<_>>()?;
        }
        (columns.len() == width).then_some(columns)
    };
    // Columns no figure reads are not parsed, unless a row's read cells are all blank:
    // then only the unread cells say whether the row is blank or holds an error.
    // Other columns naming the id are read too: a running number in the chosen one is
    // checked against them ([`table::shadowed_ids`]).
    let mut needed: Vec<usize> = mapped
        .iter()
        .filter(|m| !unread.contains(&m.spec.canonical))
        .map(|m| m.index)
        .chain(
            table::shadowed_ids(kind, &header_cells, &mapped)
                .into_iter()
                .map(|(index, _)| index),
        )
        .collect();
    needed.sort_unstable();
    let projected = needed.len() < width && !needed.is_empty();
    let mut raw = read(projected.then_some(needed))?;
    let mut keep = non_blank_rows(&raw);
    if keep.is_some() && projected {
        raw = read(None)?;
        keep = non_blank_rows(&raw);
    }
    drop(bytes);
    Some(type_columns(
        kind, file, header, raw, keep, unread, coder, first_row, problems,
    ))
}

/// Reads a Parquet file as columns. Its header is row 1, its first record row 2.
/// `None`: use the grid path instead (it reports unreadable files and odd headers).
pub fn read_parquet(
    kind: TableKind,
    file: &str,
    path: &Path,
    unread: &[&str],
    coder: &ids::Coder,
    problems: &mut Problems,
) -> Option<Option<Table>> {
    let handle = std::fs::File::open(path).ok()?;
    let frame = ParquetReader::new(handle).finish().ok()?;
    let header: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let head = super::grid::Grid {
        rows: vec![(1, header.iter().map(|h| Cell::Text(h.clone())).collect())],
        sheet: None,
    };
    table::find_header(kind, &head)?;
    let raw = frame.into_columns();
    let keep = non_blank_rows(&raw);
    Some(type_columns(
        kind, file, header, raw, keep, unread, coder, 2, problems,
    ))
}

/// A cell as the grid path would show it in a message.
fn shown(v: Option<&str>) -> String {
    v.map_or_else(String::new, str::to_string)
}

/// True when a cell holds more than spaces.
fn is_filled(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_graphic) || !values::trim_spaces(s).is_empty()
}

/// True when `s` is already what `clean_text` makes of it.
fn is_clean(s: &str) -> bool {
    // Most ids and names in big tables: plain ASCII with no space at either end.
    let b = s.as_bytes();
    if let (Some(first), Some(last)) = (b.first(), b.last())
        && first.is_ascii_graphic()
        && last.is_ascii_graphic()
        && s.is_ascii()
    {
        return true;
    }
    !s.is_empty()
        && values::trim_spaces(s).len() == s.len()
        && !s.chars().any(|c| ('\u{FF10}'..='\u{FF5A}').contains(&c))
}

/// Whether some cell may hold a control character or exceed the cell length limit:
/// byte scans the compiler vectorises, cheap next to parsing.
fn may_break_cell_limits(text: &str) -> bool {
    let b = text.as_bytes();
    let control = |c: u8| (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r')) || c == 0x7F;
    let newlines = || memchr::memchr_iter(b'\n', b);
    // A fold without early exit, per block, so each block is one vector loop.
    b.chunks(1 << 16)
        .any(|block| block.iter().fold(false, |found, &c| found | control(c)))
        // C1 controls are U+0080..U+009F, encoded C2 80..C2 9F.
        || memchr::memchr_iter(0xC2, b).any(|i| b.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
        || std::iter::once(0)
            .chain(newlines().map(|i| i + 1))
            .zip(newlines().chain(std::iter::once(b.len())))
            .any(|(start, end)| end - start > super::limits::MAX_CELL_CHARS)
}

/// Whether free text may hold a phone or ID-card number ([`crate::privacy::may_hold_number`]).
fn may_hold_number(s: &str) -> bool {
    crate::privacy::may_hold_number(s)
}

fn clean<'a>(ty: ValueType, s: &'a str) -> Option<Cow<'a, str>> {
    let text: Cow<str> = if is_clean(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(values::clean_text(s))
    };
    if text.is_empty() {
        return None;
    }
    if ty == ValueType::Text && may_hold_number(&text) {
        return Some(Cow::Owned(crate::privacy::mask_numbers(&text)));
    }
    Some(text)
}

/// The typed column of one mapped source column. Problems carry the row numbers.
fn type_column(
    ty: ValueType,
    name: &str,
    source: &Column,
    rows: &[u32],
    header: &str,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Column {
    let name = PlSmallStr::from(name);
    let mut bad = |i: usize, value: String, kind: ProblemKind| {
        problems.push(Problem::cell(file, rows[i] as usize, header, value, kind));
    };
    // Typed Parquet columns need no parsing.
    match (ty, source.dtype()) {
        (ValueType::Count, dt) if dt.is_integer() => {
            let ints = source
                .cast(&DataType::Int64)
                .expect("integers cast to Int64");
            for (i, v) in ints.i64().expect("Int64").iter().enumerate() {
                if v.is_some_and(|n| n < 0) {
                    bad(
                        i,
                        v.unwrap_or(0).to_string(),
                        ProblemKind::BadValue(Expected::Count),
                    );
                }
            }
            return ints.with_name(name);
        }
        (ValueType::Date, DataType::Date) => return source.clone().with_name(name),
        (ValueType::Bool, DataType::Boolean) => return source.clone().with_name(name),
        // Coded ids, every text clean: only the blank cells are left to report.
        (ValueType::Id, DataType::Categorical(..)) => {
            if source.has_nulls() {
                let nulls = source.is_null();
                for (i, null) in nulls.iter().enumerate() {
                    if null == Some(true) {
                        bad(i, String::new(), ProblemKind::EmptyRequired);
                    }
                }
            }
            return source.clone().with_name(name);
        }
        _ => {}
    }
    let text = source
        .cast(&DataType::String)
        .expect("any column casts to String");
    let ca = text.str().expect("String");
    let blank = |v: Option<&str>| v.is_none_or(|s| values::trim_spaces(s).is_empty());
    match ty {
        ValueType::Text | ValueType::Id | ValueType::IdRef => {
            // Already clean (the usual case in big tables): the column is kept as read.
            let as_read = ca.iter().all(|v| match v {
                None => ty != ValueType::Id,
                Some(s) => is_clean(s) && !(ty == ValueType::Text && may_hold_number(s)),
            });
            if as_read {
                return text.with_name(name);
            }
            let out: StringChunked = ca
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let cleaned = v.and_then(|s| clean(ty, s));
                    if ty == ValueType::Id && cleaned.is_none() {
                        bad(i, shown(v), ProblemKind::EmptyRequired);
                    }
                    cleaned
                })
                .collect();
            out.with_name(name).into_column()
        }
        ValueType::Status | ValueType::Term => {
            let mut memo: FastMap<&str, Result<Option<&'static str>, ()>> = FastMap::default();
            let out: StringChunked = ca
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let Some(s) = v else {
                        return (ty == ValueType::Status).then(|| values::Status::Active.as_str());
                    };
                    let parsed = *memo.entry(s).or_insert_with(|| {
                        let text = values::clean_text(s);
                        match ty {
                            ValueType::Status => values::parse_status(&text)
                                .map(|s| Some(s.as_str()))
                                .ok_or(()),
                            _ if text.is_empty() => Ok(None),
                            _ => values::parse_term(&text)
                                .map(|t| Some(t.as_str()))
                                .ok_or(()),
                        }
                    });
                    parsed.unwrap_or_else(|()| {
                        let expected = match ty {
                            ValueType::Status => Expected::Status,
                            _ => Expected::Term,
                        };
                        bad(i, s.to_string(), ProblemKind::BadValue(expected));
                        None
                    })
                })
                .collect();
            out.with_name(name).into_column()
        }
        ValueType::Count => {
            let out: Int64Chunked = ca
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    if blank(v) {
                        return None;
                    }
                    let s = v.unwrap_or_default();
                    let n = if s.bytes().all(|b| b.is_ascii_digit()) && s.len() < 18 {
                        s.parse().ok()
                    } else {
                        values::parse_count(s)
                    };
                    if n.is_none() {
                        bad(i, s.to_string(), ProblemKind::BadValue(Expected::Count));
                    }
                    n
                })
                .collect();
            out.with_name(name).into_column()
        }
        ValueType::Date => {
            // Typed by `values::read_date`, as on the grid path; CSV and Parquet cells are
            // text, never a workbook's number, so a bare serial is not a date here.
            let mut memo: FastMap<&str, Result<i32, Expected>> = FastMap::default();
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
            let out: Int32Chunked = ca
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    if blank(v) {
                        return None;
                    }
                    let s = v.unwrap_or_default();
                    let d = *memo.entry(s).or_insert_with(|| {
                        values::read_date(values::DateCell::Text(s))
                            .map(|d| (d - epoch).num_days() as i32)
                    });
                    match d {
                        Ok(d) => Some(d),
                        Err(expected) => {
                            bad(i, s.to_string(), ProblemKind::BadValue(expected));
                            None
                        }
                    }
                })
                .collect();
            out.with_name(name)
                .into_column()
                .cast(&DataType::Date)
                .expect("Int32 casts to Date")
        }
        ValueType::Bool => {
            let mut memo: FastMap<&str, Option<bool>> = FastMap::default();
            let out: BooleanChunked = ca
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    if blank(v) {
                        return None;
                    }
                    let s = v.unwrap_or_default();
                    let b = *memo.entry(s).or_insert_with(|| values::parse_bool(s));
                    if b.is_none() {
                        bad(i, s.to_string(), ProblemKind::BadValue(Expected::Bool));
                    }
                    b
                })
                .collect();
            out.with_name(name).into_column()
        }
    }
}

/// The rows to keep when some row has every cell blank; `None` when every row has a
/// filled cell.
fn non_blank_rows(raw: &[Column]) -> Option<BooleanChunked> {
    let mut keep: Option<BooleanChunked> = None;
    for c in raw {
        let filled: BooleanChunked = match c.str() {
            Ok(ca) => ca.iter().map(|v| v.is_some_and(is_filled)).collect(),
            // Coded ids are clean ([`code_block`]), so filled unless null.
            Err(_) => c.is_not_null(),
        };
        let k = match keep {
            None => filled,
            Some(k) => &k | &filled,
        };
        // Once every row has a filled cell, the other columns cannot change that.
        if k.all() {
            return None;
        }
        keep = Some(k);
    }
    keep
}

/// The `lines` lines of `body` in blocks of at most `rows` lines, each cut after a line's
/// end where no quoted field is open; one block when a cut would fall inside quotes.
/// (block, lines)
fn blocks(body: &[u8], lines_in_body: usize, rows: usize) -> Vec<(&[u8], usize)> {
    let mut blocks = Vec::new();
    let (mut start, mut lines) = (0, 0);
    for end in memchr::memchr_iter(b'\n', body) {
        lines += 1;
        if lines == rows {
            let block = &body[start..=end];
            if memchr::memchr_iter(b'"', block).count() % 2 == 1 {
                return vec![(body, lines_in_body)];
            }
            blocks.push((block, lines));
            (start, lines) = (end + 1, 0);
        }
    }
    if start < body.len() {
        let last = &body[start..];
        blocks.push((last, lines + usize::from(!last.ends_with(b"\n"))));
    }
    blocks
}

/// The columns at `read` (header positions, ascending) of a block of plain CSV: no quote
/// anywhere, so every line is its fields between commas, and an empty field is null, as
/// polars reads it. Each core splits a share of the lines: polars' reader also counts the
/// lines, quote by quote, on one core before it parses them. `None` when the block holds
/// a quote or a line whose field count is not `width`: polars reads it.
fn split_plain(block: &[u8], width: usize, read: &[usize]) -> Option<Vec<Column>> {
    if memchr::memchr(b'"', block).is_some() {
        return None;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let shares = line_shares(block, cores);
    let parts: Vec<Vec<Utf8ViewArray>> = std::thread::scope(|scope| {
        let threads: Vec<_> = shares
            .iter()
            .map(|share| scope.spawn(move || split_share(share, width, read)))
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect::<Option<_>>()
    })?;
    Some(
        read.iter()
            .enumerate()
            .map(|(k, &at)| {
                let chunks = parts.iter().map(|part| part[k].clone());
                StringChunked::from_chunk_iter(format!("c{at}").into(), chunks).into_column()
            })
            .collect(),
    )
}

/// `block` cut after a newline into up to `n` shares of about equal size.
fn line_shares(block: &[u8], n: usize) -> Vec<&[u8]> {
    let mut shares = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..n {
        let target = (block.len() * k / n).max(start);
        let Some(end) = memchr::memchr(b'\n', &block[target..]).map(|i| target + i + 1) else {
            break;
        };
        shares.push(&block[start..end]);
        start = end;
    }
    if start < block.len() {
        shares.push(&block[start..]);
    }
    shares
}

/// One share's lines split into the columns at `read`; `None` at a line of another width.
fn split_share(share: &[u8], width: usize, read: &[usize]) -> Option<Vec<Utf8ViewArray>> {
    let lines = memchr::memchr_iter(b'\n', share).count() + 1;
    let mut columns: Vec<MutableBinaryViewArray<str>> = read
        .iter()
        .map(|_| MutableBinaryViewArray::with_capacity(lines))
        .collect();
    // For each field of a line, the column it goes to, if read.
    let mut slot = vec![None; width];
    for (k, &at) in read.iter().enumerate() {
        *slot.get_mut(at)? = Some(k);
    }
    // Every field ends at a comma, a newline or the share's end (unless it ends a line).
    let last = (!share.ends_with(b"\n")).then_some(share.len());
    let (mut start, mut field) = (0, 0);
    for end in memchr::memchr2_iter(b',', b'\n', share).chain(last) {
        let line_ends = share.get(end) != Some(&b',');
        let mut text = &share[start..end];
        if line_ends {
            text = text.strip_suffix(b"\r").unwrap_or(text);
        }
        if let Some(&Some(k)) = slot.get(field) {
            // SAFETY: the file is valid UTF-8 (checked whole), cut at ASCII bytes.
            let text = unsafe { std::str::from_utf8_unchecked(text) };
            columns[k].push((!text.is_empty()).then_some(text));
        }
        field += 1;
        if line_ends {
            if field != width {
                return None;
            }
            field = 0;
        }
        start = end + 1;
    }
    Some(columns.into_iter().map(Into::into).collect())
}

/// Codes a block's id columns (`coded`: header position, column of [`ids::CODED`]), one
/// thread each; `read`: the header position of each of `columns`. A column with a text
/// that is not clean stays text, to be cleaned and reported as the grid path does.
fn code_block(
    columns: &mut [Column],
    read: &[usize],
    coded: &[(usize, usize)],
    coder: &ids::Coder,
) {
    std::thread::scope(|scope| {
        for (position, column) in read.iter().zip(columns.iter_mut()) {
            let Some(&(_, table)) = coded.iter().find(|(at, _)| at == position) else {
                continue;
            };
            scope.spawn(move || {
                let clean = column
                    .str()
                    .is_ok_and(|ca| ca.iter().all(|v| v.is_none_or(is_clean)));
                if clean {
                    *column = coder
                        .code_in_order(table, column)
                        .expect("a text column is coded");
                }
            });
        }
    });
}

/// One column from its blocks, as text when some block's ids stayed text.
fn concat(blocks: Vec<Column>) -> Option<Column> {
    let text = blocks.iter().any(|c| c.dtype() == &DataType::String);
    let mut blocks = blocks.into_iter().map(|c| {
        if text {
            c.cast(&DataType::String).ok()
        } else {
            Some(c)
        }
    });
    let mut column = blocks.next()??;
    for block in blocks {
        column.append_owned(block?).ok()?;
    }
    Some(column)
}

/// The grid path's check of an id column holding a running number while another column
/// names the id ([`table::running_number_id`]), on raw columns.
fn check_running_id(
    kind: TableKind,
    file: &str,
    header: &[Cell],
    mapped: &[table::Mapped],
    raw: &[Column],
    problems: &mut Problems,
) {
    let shadowed = table::shadowed_ids(kind, header, mapped);
    let Some(id) = mapped.iter().find(|m| m.spec.canonical == "id") else {
        return;
    };
    if shadowed.is_empty() {
        return;
    }
    let running = |index: usize| {
        raw.get(index)
            .and_then(|c| c.cast(&DataType::String).ok())
            .is_some_and(|c| c.str().is_ok_and(|ca| table::is_running_number(ca.iter())))
    };
    if running(id.index)
        && let Some((_, other)) = shadowed.iter().find(|(index, _)| !running(*index))
    {
        let rows = raw.first().map_or(0, Column::len);
        problems.push(table::running_number_id(file, &id.header, rows, other));
    }
}

/// Types raw columns (one per header cell) as a table of `kind`. `keep`: the rows that
/// are not blank, when some are ([`non_blank_rows`]).
#[allow(clippy::too_many_arguments)]
fn type_columns(
    kind: TableKind,
    file: &str,
    header: Vec<String>,
    mut raw: Vec<Column>,
    keep: Option<BooleanChunked>,
    unread: &[&str],
    coder: &ids::Coder,
    first_row: usize,
    problems: &mut Problems,
) -> Option<Table> {
    let header_cells: Vec<Cell> = header.iter().map(|h| Cell::Text(h.clone())).collect();
    let mapped = table::map_columns(kind, &header_cells);
    if !table::check_required(kind, file, &mapped, problems) {
        return None;
    }
    let height = raw.first().map_or(0, Column::len);
    let mut rows: Vec<u32> = (0..height).map(|i| (first_row + i) as u32).collect();
    // Rows with every cell blank are skipped, as the grid path skips them.
    if let Some(keep) = keep {
        for c in &mut raw {
            *c = c.filter(&keep).ok()?;
        }
        rows = rows
            .into_iter()
            .zip(keep.iter())
            .filter_map(|(r, k)| k.unwrap_or(false).then_some(r))
            .collect();
    }
    let height = rows.len();
    let mut by_name: HashMap<&str, Column> = HashMap::new();
    // Columns are typed one at a time; their problems are reported row by row, as the
    // spreadsheet reads, so the capped list shows the first rows' problems.
    let mut cell_problems = Vec::new();
    for m in mapped
        .iter()
        .filter(|m| !unread.contains(&m.spec.canonical))
    {
        let source = raw
            .get(m.index)
            .cloned()
            .unwrap_or_else(|| Column::full_null("".into(), height, &DataType::String));
        let typed = type_column(
            m.spec.ty,
            m.spec.canonical,
            &source,
            &rows,
            &m.header,
            file,
            &mut cell_problems,
        );
        by_name.insert(m.spec.canonical, table::code_ids(kind, typed, coder));
    }
    cell_problems.sort_by_key(|p| p.row);
    for problem in cell_problems {
        problems.push(problem);
    }
    check_running_id(kind, file, &header_cells, &mapped, &raw, problems);
    drop(raw);
    let mut columns = Vec::with_capacity(kind.columns().len() + 1);
    for spec in kind.columns() {
        let column = by_name
            .remove(spec.canonical)
            .unwrap_or_else(|| table::absent_column(spec, height));
        columns.push(column);
    }
    if table::keeps_rows(kind) {
        columns.push(Column::new(ROW.into(), rows));
    }
    let frame = DataFrame::new(height, columns).ok()?;
    let headers = mapped
        .into_iter()
        .map(|m| (m.spec.canonical, m.header))
        .collect();
    let table = Table {
        kind,
        file: file.to_string(),
        // CSV and Parquet files have no sheets.
        sheet: None,
        headers,
        frame,
    };
    table::check_table(&table, problems);
    Some(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::grid::read_grid;
    use crate::load::table::type_table;

    /// The fast path, a members table read whole and in blocks (of one line, of three), and
    /// the grid path read a file to the same frame and problems.
    fn both(kind: TableKind, name: &str, text: &str) -> (Option<Table>, Vec<Problem>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let mut slow_problems = Problems::default();
        let grid = read_grid(&path, None, kind.stems()).unwrap();
        // One coder for every read, as for the tables of one load.
        let coder = ids::Coder::default();
        let slow = type_table(kind, "f", grid, &[], &coder, &mut slow_problems);
        let slow_problems = slow_problems.into_vec();
        let mut read = None;
        for block_rows in [usize::MAX, 1, 3] {
            let mut fast_problems = Problems::default();
            let fast = read_csv_in_blocks(
                kind,
                "f",
                &path,
                &[],
                &coder,
                block_rows,
                &mut fast_problems,
            )
            .expect("fast path taken");
            let fast_problems = fast_problems.into_vec();
            assert_eq!(fast_problems, slow_problems);
            match (&fast, &slow) {
                (Some(f), Some(s)) => {
                    assert!(
                        f.frame.equals_missing(&s.frame),
                        "{:?}\n{:?}",
                        f.frame,
                        s.frame
                    );
                    assert_eq!(f.headers, s.headers);
                }
                (None, None) => {}
                _ => panic!("one path read a table, the other not"),
            }
            read = Some((fast, fast_problems));
        }
        read.expect("read twice")
    }

    #[test]
    fn fast_and_grid_paths_agree_on_values_and_problems() {
        let text = "\u{FEFF}利川市工作群台账（2019年4月）,,,,,,,,\n\
            编号,群名称,平台,单位,成员数,建群日期,期限,是否报备,状态\n\
            LC0001,凉雾乡党建工作群 ,ＱＱ,凉雾乡,１２,2019/6/11,长期,是,正常\n\
            LC0002,\"联系13812345678,张三\",微信,凉雾乡,\"1,234\",2019年6月11日,阶段性,否,已解散\n\
            ,,,,,,,,\n\
            LC0003,谋道镇防汛群,钉钉,谋道镇,-3,2019-13-01,永远,也许,不知道\n\
            ,空编号群,微信,,,20190611,,,\n\
            LC0001,重复,微信,,12.0,43627,,Y,合并\n\
            LC0004,未满一日,微信,,1,2024.3,,,\n\
            LC0005,电话138-1234-5678,微信,,1,2019年,,,\n";
        let (table, problems) = both(TableKind::Groups, "groups.csv", text);
        let table = table.unwrap();
        assert_eq!(table.frame.height(), 7);
        let partial = problems
            .iter()
            .filter(|p| p.kind == ProblemKind::BadValue(Expected::WholeDate))
            .count();
        // 43627 as text, 2024.3 and 2019年: none is a whole date.
        assert_eq!(partial, 3, "{problems:?}");
        let rows: Vec<u32> = table
            .frame
            .column(ROW)
            .unwrap()
            .u32()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(rows, vec![3, 4, 6, 7, 8, 9, 10]);
        assert!(problems.len() >= 6, "{problems:?}");
    }

    #[test]
    fn running_number_ids_are_refused_alike_on_both_paths() {
        let (_, problems) = both(
            TableKind::Groups,
            "groups.csv",
            "群编号,编号,名称\n1,G1,a\n2,G2,b\n",
        );
        assert!(
            matches!(problems.as_slice(), [p] if matches!(p.kind, ProblemKind::RunningNumberId { rows: 2, .. })),
            "{problems:?}"
        );
        // The table's own id header wins over a bare 编号 on both paths, and 序号 loses.
        for text in ["编号,群编号\n1,G1\n2,G2\n", "序号,编号\n1,G1\n2,G2\n"] {
            let (table, problems) = both(TableKind::Groups, "groups.csv", text);
            assert!(problems.is_empty(), "{problems:?}");
            let ids: Vec<_> = table
                .unwrap()
                .frame
                .column("id")
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .flatten()
                .map(str::to_string)
                .collect();
            assert_eq!(ids, ["G1", "G2"], "{text}");
        }
    }

    #[test]
    fn members_tables_agree() {
        let mut text = String::from("群编号,成员编号,姓名,手机号\n");
        for i in 0..2000 {
            text.push_str(&format!(
                "Q{:04},R{:05},张{},1381234{:04}\n",
                i % 97,
                i,
                i % 7,
                i
            ));
        }
        let (table, problems) = both(TableKind::Members, "members.csv", &text);
        assert!(problems.is_empty());
        assert_eq!(table.unwrap().frame.height(), 2000);
    }

    #[test]
    fn coded_ids_agree_when_unclean_blank_or_only_an_unread_cell_is_filled() {
        // Full-width and padded ids, a row with only its (unread) name filled, a blank
        // row, a row without a member id: the coded path must read them as the grid does.
        let text = "群编号,成员编号,姓名,手机号\n\
            Q1,R1,张三,13812345678\n\
            Ｑ２, R2 ,李四,\n\
            ,,王五,\n\
            ,,,\n\
            Q1,,赵六,\n\
            Q1,R1,张三,13812345678\n";
        let (table, problems) = both(TableKind::Members, "members.csv", text);
        let frame = table.unwrap().frame;
        assert_eq!(frame.height(), 5);
        assert!(matches!(
            frame.column("group_id").unwrap().dtype(),
            DataType::Categorical(..)
        ));
        let groups: Vec<_> = frame
            .column("group_id")
            .unwrap()
            .cat32()
            .unwrap()
            .iter_str()
            .collect();
        assert_eq!(
            groups,
            [Some("Q1"), Some("Q2"), None, Some("Q1"), Some("Q1")]
        );
        let blank: Vec<_> = problems
            .iter()
            .filter(|p| p.kind == ProblemKind::EmptyRequired)
            .map(|p| p.row)
            .collect();
        assert_eq!(blank, [Some(4), Some(4), Some(6)]);
    }

    /// The block as polars' reader reads it, every column as text.
    fn by_polars(block: &[u8], width: usize, read: &[usize]) -> Vec<Column> {
        let schema = Schema::from_iter(
            (0..width).map(|i| Field::new(format!("c{i}").into(), DataType::String)),
        );
        CsvReader::new(std::io::Cursor::new(block))
            .with_options(
                CsvReadOptions::default()
                    .with_has_header(false)
                    .with_schema(Some(Arc::new(schema)))
                    .with_projection(Some(Arc::new(read.to_vec()))),
            )
            .finish()
            .unwrap()
            .into_columns()
    }

    #[test]
    fn plain_blocks_are_split_as_polars_reads_them() {
        let mut long = String::new();
        for i in 0..5000 {
            long.push_str(&format!("Q{i},R{},张{} ,{}\n", i * 7, i % 13, i % 3));
        }
        let blocks = [
            "Q1,R1,张三,1\nQ2,,李四,\n,, ,\n".to_string(),
            "Q1,R1,张三,1\r\nQ2,R2,,2\r\nQ3,R3,王五,3".to_string(),
            "一个很长的群编号超过十二字节,R1,赵六,\n".to_string(),
            long,
        ];
        for block in &blocks {
            for read in [vec![0, 1, 2, 3], vec![0, 1], vec![2]] {
                let mine = split_plain(block.as_bytes(), 4, &read).expect("plain");
                let theirs = by_polars(block.as_bytes(), 4, &read);
                assert_eq!(mine.len(), theirs.len());
                for (m, t) in mine.iter().zip(&theirs) {
                    assert_eq!(m.name(), t.name());
                    assert!(m.equals_missing(t), "{block:?}\n{m:?}\n{t:?}");
                }
            }
        }
        // A quote anywhere, or a line of another width: polars reads the block.
        assert!(split_plain(b"Q1,\"R1\",a,b\n", 4, &[0]).is_none());
        assert!(split_plain(b"Q1,R1,a,b\nQ2,R2,a\n", 4, &[0]).is_none());
        assert!(split_plain(b"Q1,R1,a,b,c\n", 4, &[0]).is_none());
    }

    #[test]
    fn shares_end_at_line_ends_and_cover_the_block() {
        let block = b"a,1\nbb,22\nccc,333\nd,4";
        for n in 1..=6 {
            let shares = line_shares(block, n);
            assert!(!shares.is_empty() && shares.len() <= n);
            assert_eq!(shares.concat(), block.to_vec(), "{n} shares");
            for share in &shares[..shares.len() - 1] {
                assert!(share.ends_with(b"\n"), "{n} shares: {share:?}");
            }
        }
    }

    #[test]
    fn crlf_members_tables_agree() {
        let mut text = String::from("群编号,成员编号,姓名\r\n");
        for i in 0..300 {
            text.push_str(&format!("Q{},R{i},张{}\r\n", i % 11, i % 5));
        }
        let (table, problems) = both(TableKind::Members, "members.csv", &text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(table.unwrap().frame.height(), 300);
    }

    #[test]
    fn blocks_end_at_line_ends_outside_quotes() {
        let lines = |blocks: Vec<(&[u8], usize)>| -> Vec<(String, usize)> {
            blocks
                .into_iter()
                .map(|(b, n)| (String::from_utf8(b.to_vec()).unwrap(), n))
                .collect()
        };
        let body = b"a,1\nb,\"2,3\"\nc,4\nd,5\ne,6";
        assert_eq!(
            lines(blocks(body, 5, 2)),
            [
                ("a,1\nb,\"2,3\"\n".to_string(), 2),
                ("c,4\nd,5\n".to_string(), 2),
                ("e,6".to_string(), 1)
            ]
        );
        assert_eq!(
            lines(blocks(body, 5, 5)),
            [(String::from_utf8(body.to_vec()).unwrap(), 5)]
        );
        assert_eq!(
            lines(blocks(b"a\nb\n", 2, 1)),
            [("a\n".to_string(), 1), ("b\n".to_string(), 1)]
        );
        // A cut inside quotes: the whole body as one block, its lines all counted.
        let quoted = b"a,\"x\ny\"\nb,c\n";
        assert_eq!(
            lines(blocks(quoted, 3, 1)),
            [(String::from_utf8(quoted.to_vec()).unwrap(), 3)]
        );
    }

    #[test]
    fn cells_the_limits_refuse_are_seen_by_the_byte_scan() {
        let long = "x".repeat(crate::load::limits::MAX_CELL_CHARS + 1);
        let fits = "x".repeat(crate::load::limits::MAX_CELL_CHARS);
        assert!(!may_break_cell_limits("编号,群名称\r\nA,\t甲 ·\n"));
        assert!(!may_break_cell_limits(&format!("a\n{fits}\n{fits}")));
        assert!(may_break_cell_limits(&format!("a\n{long}\nb\n")));
        assert!(may_break_cell_limits(&format!("a\nb\n{long}")));
        assert!(may_break_cell_limits("a,b\u{7}\n"));
        assert!(may_break_cell_limits("a,b\u{7F}\n"));
        assert!(may_break_cell_limits("a,b\u{85}\n"));
        assert!(!may_break_cell_limits("a,b\u{A0}\u{B7}\n"));
    }

    #[test]
    fn blank_lines_multiline_fields_and_lone_carriage_returns_take_the_grid_path() {
        let dir = tempfile::tempdir().unwrap();
        for (i, text) in [
            "编号,群名称\nA,x\n\nB,y\n",
            "编号,群名称\r\nA,x\r\n\r\nB,y\r\n",
            "编号,群名称\nA,\"two\nlines\"\nB,y\n",
            "编号,群名称\r\nA,x\rB,y\r\n",
        ]
        .into_iter()
        .enumerate()
        {
            let path = dir.path().join(format!("g{i}.csv"));
            std::fs::write(&path, text).unwrap();
            let mut problems = Problems::default();
            let coder = ids::Coder::default();
            assert!(read_csv(TableKind::Groups, "f", &path, &[], &coder, &mut problems).is_none());
        }
    }
}
