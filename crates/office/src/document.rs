//! A whole document: a letter's body and its appendices, each of its own kind. The blocks are cut
//! into parts at each "PHỤ LỤC …" paragraph, and inside a part wherever a table of another kind
//! begins; each table is recognised by its own header ([`crate::columns::table_kind`]): task
//! tables go to [`crate::table`], difficulty tables to [`crate::difficulty_table`]. Headings are
//! read inside their part only, so a heading never leaks from one appendix into the next. The
//! body, and any part without a recognised table, is read as prose ([`crate::prose`]).

use tiendo_domain::footnote::{Footnotes, note_of};
use tiendo_domain::text::{clean, fold};

use crate::blocks::{Block, expand_row};
use crate::columns::{TableKind, table_kind};
use crate::error::ImportError;

use crate::{
    DocumentPreview, ReadOptions, Reading, difficulty_table, indicator_table, prose, table,
};

/// A run of blocks read by one reader.
#[derive(Debug)]
struct Run<'b> {
    kind: Option<TableKind>,
    blocks: Vec<&'b Block>,
}

/// The kind of table a block opens (its header within the first rows), if it is a table, and
/// whether title rows stand above that header inside the table (a sheet of its own: "PHỤ LỤC
/// II", "DANH MỤC …" over the header opens an appendix).
fn kind_of(block: &Block) -> (Option<TableKind>, bool) {
    let Block::Table { rows, .. } = block else {
        return (None, false);
    };
    for (i, r) in rows.iter().take(8).enumerate() {
        if let Some(k) = table_kind(&expand_row(r).0) {
            let titled = rows[..i]
                .iter()
                .any(|r| r.iter().any(|c| !c.text.trim().is_empty()));
            return (Some(k), titled);
        }
    }
    (None, false)
}

/// "PHỤ LỤC II", "Phụ lục 1: Danh mục …": the paragraph that opens an appendix.
fn opens_appendix(text: &str) -> bool {
    let f = fold(&clean(text));
    f.starts_with("phu luc") && f.chars().count() < 300
}

/// Cuts the blocks into runs: a new run at each appendix paragraph, at each table whose kind
/// differs from the tables of the run (the paragraphs just before it go with it: its title), and
/// at each table with title rows above its header (a sheet of a workbook).
fn runs(blocks: &[Block]) -> Vec<Run<'_>> {
    let mut out: Vec<Run<'_>> = vec![Run {
        kind: None,
        blocks: Vec::new(),
    }];
    let mut pending: Vec<&Block> = Vec::new();
    for b in blocks {
        match b {
            Block::Paragraph(t) => {
                if opens_appendix(t) {
                    flush(&mut out, &mut pending);
                    out.push(Run {
                        kind: None,
                        blocks: Vec::new(),
                    });
                }
                pending.push(b);
            }
            Block::Table { .. } => {
                let (kind, titled) = kind_of(b);
                let Some(last) = out.last_mut() else { continue };
                match (kind, last.kind) {
                    // A table of the run's kind, or one without a header of its own (continued).
                    (Some(k), Some(l)) if k == l && !titled => {}
                    (None, _) => {}
                    (Some(k), None) => last.kind = Some(k),
                    (Some(k), Some(_)) => {
                        out.push(Run {
                            kind: Some(k),
                            blocks: Vec::new(),
                        });
                    }
                }
                flush(&mut out, &mut pending);
                if let Some(last) = out.last_mut() {
                    last.blocks.push(b);
                }
            }
        }
    }
    flush(&mut out, &mut pending);
    out.retain(|r| !r.blocks.is_empty());
    out
}

fn flush<'b>(out: &mut [Run<'b>], pending: &mut Vec<&'b Block>) {
    if let Some(last) = out.last_mut() {
        last.blocks.append(pending);
    }
}

/// Reads a whole document: its task tables, difficulty tables and assignments in prose.
pub fn read_document(
    name: &str,
    blocks: &[Block],
    opts: ReadOptions<'_>,
) -> Result<DocumentPreview, ImportError> {
    let mut preview = DocumentPreview {
        file: name.to_string(),
        title: Vec::new(),
        tasks: Vec::new(),
        difficulties: Vec::new(),
        indicators: Vec::new(),
        warnings: Vec::new(),
        silence_rule: None,
    };
    // A footnote's own text is not part of the body: it is kept aside, for the cells and
    // phrases whose marks refer to it.
    let mut footnotes = Footnotes::default();
    let blocks: Vec<Block> = blocks
        .iter()
        .filter(|b| match b {
            Block::Paragraph(p) => match note_of(p) {
                Some((number, text)) => {
                    footnotes.insert(number, &text);
                    false
                }
                None => true,
            },
            Block::Table { .. } => true,
        })
        .cloned()
        .collect();
    let opts = Reading {
        registry: opts.registry,
        reported_on: opts.reported_on,
        footnotes: &footnotes,
    };
    let mut prose_blocks: Vec<Block> = Vec::new();
    let mut unrecognised: Vec<String> = Vec::new();
    let mut missing_name: Option<ImportError> = None;
    for run in runs(&blocks) {
        let owned: Vec<Block> = run.blocks.iter().map(|b| (*b).clone()).collect();
        match run.kind {
            Some(TableKind::Tasks) => match table::read_tasks(&owned, opts) {
                Ok(read) => {
                    if preview.title.is_empty() {
                        preview.title = read.title;
                    }
                    preview.tasks.extend(read.tasks);
                    preview.warnings.extend(read.warnings);
                }
                Err(e @ ImportError::MissingNameColumn(_)) => {
                    missing_name.get_or_insert(e);
                }
                Err(ImportError::NoTaskTable(detail)) => unrecognised.push(detail),
                Err(e) => return Err(e),
            },
            Some(TableKind::Indicators | TableKind::IndicatorMatrix) => {
                let read = indicator_table::read_indicators(&owned, opts);
                if preview.title.is_empty() {
                    preview.title = read.title;
                }
                preview.indicators.extend(read.indicators);
                preview.warnings.extend(read.warnings);
            }
            Some(TableKind::Difficulties) => {
                let read = difficulty_table::read_difficulties(&owned, opts);
                if preview.title.is_empty() {
                    preview.title = read.title;
                }
                preview.difficulties.extend(read.difficulties);
                preview.warnings.extend(read.warnings);
            }
            None => {
                for b in &owned {
                    if let Block::Table { origin, rows } = b
                        && rows.len() >= 2
                        && rows.iter().map(Vec::len).max().unwrap_or(0) >= 3
                    {
                        let first: Vec<String> = expand_row(&rows[0])
                            .0
                            .into_iter()
                            .filter(|h| !h.trim().is_empty())
                            .collect();
                        unrecognised.push(format!("{origin}: {}", first.join(" | ")));
                    }
                }
                prose_blocks.extend(owned);
            }
        }
    }
    if !prose_blocks.is_empty() {
        let read = prose::read_prose(&prose_blocks, opts);
        preview.silence_rule = prose::silence_rule(&prose_blocks, &read.tasks, read.context);
        if let Some(rule) = preview
            .silence_rule
            .as_ref()
            .filter(|r| r.answer_by.is_none())
        {
            preview.warnings.push(format!(
                "văn bản coi việc không trả lời là cam kết nhưng không nêu hạn trả lời: quy định chưa được áp dụng — «{}»",
                rule.text
            ));
        }
        if !read.tasks.is_empty() {
            if preview.title.is_empty() || preview.tasks.is_empty() {
                preview.title = read.title;
            }
            // The body's assignments come first, as the letter reads.
            let mut tasks = read.tasks;
            tasks.append(&mut preview.tasks);
            preview.tasks = tasks;
            preview.warnings.extend(read.warnings);
        }
    }
    answer_due_from_the_body(&mut preview);
    if preview.tasks.is_empty() && preview.difficulties.is_empty() && preview.indicators.is_empty()
    {
        if let Some(e) = missing_name {
            return Err(e);
        }
        let detail = if unrecognised.is_empty() {
            String::new()
        } else {
            format!(" (tiêu đề các bảng tìm thấy: {})", unrecognised.join("; "))
        };
        return Err(ImportError::NothingRecognised(detail));
    }
    for u in unrecognised.iter().filter(|u| !u.is_empty()) {
        preview
            .warnings
            .push(format!("bỏ qua bảng không đọc được — {u}"));
    }
    Ok(preview)
}

/// The reply date a letter's body gives for the difficulties it sends ("rà soát khó khăn, vướng
/// mắc tại Phụ lục I và gửi kết quả … trước ngày 15/7/2026") is their answer deadline, where the
/// table gives none; said in each difficulty's notes.
fn answer_due_from_the_body(preview: &mut DocumentPreview) {
    if preview.difficulties.is_empty() {
        return;
    }
    let Some(asked) = preview.tasks.iter().find(|t| {
        let said = fold(t.source.as_deref().unwrap_or(&t.name));
        t.deadline.due.is_some()
            && said.contains("kho khan")
            && ["gui", "bao cao", "tra loi", "xu ly", "giai quyet"]
                .iter()
                .any(|w| said.contains(w))
    }) else {
        return;
    };
    let deadline = asked.deadline.clone();
    for d in &mut preview.difficulties {
        let mut given = false;
        for h in d.handlers.iter_mut().filter(|h| h.answer_due.is_none()) {
            h.answer_due = Some(deadline.clone());
            given = true;
        }
        if given {
            d.notes
                .push(format!("hạn trả lời theo văn bản: «{}»", deadline.raw));
        }
    }
}
