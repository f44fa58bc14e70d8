//! The parts of a notice around its body, as GB/T 9704-2012 (党政机关公文格式) names them:
//! the 版头 (发文机关标志 and 发文字号), the 主送机关 under the title, the 附件说明 after
//! the body, each 附件's heading, "续表" over a table's continued header, and the 版记's
//! 抄送. Each is written here once; the renderers only lay them out.

use crate::config::ReportConfig;
use serde::Serialize;

/// 附件说明's label: 附件：1. …
pub const ANNEX_NOTE: &str = "附件：";
/// Over a table's header where the table continues on another page.
pub const CONTINUED: &str = "续表";
/// The 版记's 抄送 label.
pub const COPY_TO: &str = "抄送：";

/// The 版头: the issuer's mark (发文机关标志, printed red) and the document number (发文字号),
/// either or both.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Letterhead {
    pub issuer_mark: Option<String>,
    pub doc_number: Option<String>,
}

/// A label and the text it introduces: 抄送：市委办公室，市政府办公室。
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Labelled {
    pub label: String,
    pub text: String,
}

/// 附件说明: "附件：" then one item per annex, "1." and its name (without the caption that
/// says which rows a document shows: GB/T 9704 puts no punctuation after an annex's name).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AnnexNote {
    pub label: String,
    pub items: Vec<AnnexItem>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AnnexItem {
    /// 1.
    pub number: String,
    /// 按单位统计的工作群清理情况
    pub name: String,
}

/// An annex: 附件1 and its name, 按单位统计的工作群清理情况 (in a printed document, with the
/// caption that says which rows it shows).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Annex {
    pub number: usize,
    /// 附件1
    pub label: String,
    pub name: String,
}

impl Annex {
    pub fn new(number: usize, name: &str) -> Annex {
        Annex {
            number,
            label: format!("附件{number}"),
            name: name.to_string(),
        }
    }

    /// 附件1 按单位统计的工作群清理情况
    pub fn title(&self) -> String {
        format!("{} {}", self.label, self.name)
    }
}

/// The 附件说明 of these annexes; none without annexes.
pub fn annex_note<'a>(annexes: impl IntoIterator<Item = &'a Annex>) -> Option<AnnexNote> {
    let items: Vec<AnnexItem> = annexes
        .into_iter()
        .map(|a| AnnexItem {
            number: format!("{}.", a.number),
            name: a.name.clone(),
        })
        .collect();
    (!items.is_empty()).then(|| AnnexNote {
        label: ANNEX_NOTE.to_string(),
        items,
    })
}

/// A setting as printed: trimmed; none when blank.
fn set(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The 版头 `[report]` sets; none when it sets neither part.
pub fn letterhead(o: &ReportConfig) -> Option<Letterhead> {
    let head = Letterhead {
        issuer_mark: set(&o.issuer_mark).map(str::to_string),
        doc_number: set(&o.doc_number).map(str::to_string),
    };
    (head != Letterhead::default()).then_some(head)
}

/// 主送机关 as printed under the title: ending with one full-width colon.
pub fn recipients(o: &ReportConfig) -> Option<String> {
    let text = set(&o.recipients)?;
    let bare = text.trim_end_matches([':', '：', '，', ',', '、', '。', '；', ';', ' ', '　']);
    Some(format!("{bare}："))
}

/// 抄送 as printed in the 版记: "抄送：" and the bodies, ending with a full stop.
pub fn copy_to(o: &ReportConfig) -> Option<Labelled> {
    let text = set(&o.copy_to)?;
    let text = text.strip_prefix(COPY_TO).unwrap_or(text);
    let text = text.strip_prefix("抄送:").unwrap_or(text).trim();
    let bare = text.trim_end_matches(['。', '.', '，', ',', '、', '；', ';', ' ', '　']);
    Some(Labelled {
        label: COPY_TO.to_string(),
        text: format!("{bare}。"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(recipients: &str, copy: &str) -> ReportConfig {
        ReportConfig {
            recipients: Some(recipients.into()),
            copy_to: Some(copy.into()),
            ..ReportConfig::default()
        }
    }

    #[test]
    fn recipients_end_with_one_full_width_colon() {
        for written in [
            "各乡镇党委、政府",
            "各乡镇党委、政府：",
            "各乡镇党委、政府:",
            " 各乡镇党委、政府， ",
        ] {
            assert_eq!(
                recipients(&config(written, "x")).as_deref(),
                Some("各乡镇党委、政府："),
                "{written:?}"
            );
        }
        assert_eq!(recipients(&config("  ", "x")), None);
        assert_eq!(recipients(&ReportConfig::default()), None);
    }

    #[test]
    fn copy_to_ends_with_a_full_stop_after_its_label() {
        for written in [
            "市委办公室，市政府办公室",
            "抄送：市委办公室，市政府办公室。",
            "市委办公室，市政府办公室.",
        ] {
            let line = copy_to(&config("x", written)).unwrap();
            assert_eq!(line.label, "抄送：");
            assert_eq!(line.text, "市委办公室，市政府办公室。", "{written:?}");
        }
        assert_eq!(copy_to(&ReportConfig::default()), None);
    }

    #[test]
    fn a_letterhead_needs_one_of_its_parts() {
        assert_eq!(letterhead(&ReportConfig::default()), None);
        let number_only = ReportConfig {
            doc_number: Some("利纪发〔2019〕12号".into()),
            issuer_mark: Some(" ".into()),
            ..ReportConfig::default()
        };
        assert_eq!(
            letterhead(&number_only),
            Some(Letterhead {
                issuer_mark: None,
                doc_number: Some("利纪发〔2019〕12号".into())
            })
        );
    }

    #[test]
    fn the_annex_note_names_each_annex_by_its_number() {
        let annexes = [
            Annex::new(1, "按单位统计的工作群清理情况"),
            Annex::new(2, "整改清单"),
        ];
        assert_eq!(annexes[1].title(), "附件2 整改清单");
        let note = annex_note(&annexes).unwrap();
        assert_eq!(note.label, "附件：");
        assert_eq!(
            note.items,
            vec![
                AnnexItem {
                    number: "1.".into(),
                    name: "按单位统计的工作群清理情况".into()
                },
                AnnexItem {
                    number: "2.".into(),
                    name: "整改清单".into()
                },
            ]
        );
        assert_eq!(annex_note(&[]), None);
    }
}
