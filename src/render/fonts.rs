//! Fonts for the PDF: discovery (system fonts and extra folders, via fontdb) and the
//! choice of families for the GB/T 9704 look of a Chinese official notice.
//!
//! Every role names a Simplified Chinese family explicitly: typst's unnamed fallback picks
//! whichever CJK face comes first, which is often the Japanese one (different glyph shapes
//! for 关, 写, 骨 …). Without any font covering Chinese the PDF cannot be typeset, and
//! [`Fonts::families`] says so with an error that tells how to fix it.

use crate::error::Error;
use serde::Serialize;
use std::collections::HashSet;
use std::path::PathBuf;
use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo, FontVariant, FontWeight};
use typst_kit::fonts::{FontPath, FontSource, FontStore};

/// A character every Chinese font has and no Latin-only font has (the 利 of 利川).
pub const PROBE: char = '利';

/// Where fonts are looked for.
#[derive(Clone, Debug, Default)]
pub struct FontOptions {
    /// Extra folders, searched recursively, before the system fonts.
    pub dirs: Vec<PathBuf>,
    /// Also use the system's fonts (fontconfig's folders on Linux).
    pub system: bool,
}

/// The fonts found.
pub struct Fonts {
    pub store: FontStore,
    /// The folders searched, as given, for messages.
    pub dirs: Vec<String>,
    pub system: bool,
}

/// The font families of each role, best first, as typst `font:` lists. Every family
/// named here is present and covers Chinese.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Families {
    /// 方正小标宋, else a serif CJK SC set in bold (`title_bold`).
    pub title: Vec<String>,
    pub title_bold: bool,
    /// 仿宋, else a serif CJK SC.
    pub body: Vec<String>,
    /// 黑体, else a sans CJK SC.
    pub heading: Vec<String>,
    /// 楷体, else the body's serif.
    pub kai: Vec<String>,
    /// 宋体 (a serif CJK SC), for page numbers.
    pub serif: Vec<String>,
}

const TITLE: &[&str] = &[
    "FZXiaoBiaoSong-B05S",
    "FZXiaoBiaoSong-B05",
    "方正小标宋简体",
    "方正小标宋_GBK",
];
const SERIF_SC: &[&str] = &[
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "SimSun",
    "Songti SC",
    "STSong",
    "AR PL UMing CN",
];
const SANS_SC: &[&str] = &[
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
];
const FANGSONG: &[&str] = &[
    "FangSong",
    "FangSong_GB2312",
    "STFangsong",
    "仿宋",
    "仿宋_GB2312",
];
const HEITI: &[&str] = &["SimHei", "STHeiti", "黑体"];
const KAITI: &[&str] = &["KaiTi", "KaiTi_GB2312", "STKaiti", "楷体", "楷体_GB2312"];

impl Fonts {
    /// Finds the fonts: the extra folders first (so they win over system fonts of the same
    /// name), then the system's.
    pub fn discover(options: &FontOptions) -> Fonts {
        let mut store = FontStore::new();
        for dir in &options.dirs {
            let mut db = fontdb::Database::new();
            db.load_fonts_dir(dir);
            store.extend(faces(&db));
        }
        if options.system {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            store.extend(faces(&db));
        }
        Fonts {
            store,
            dirs: options
                .dirs
                .iter()
                .map(|d| d.display().to_string())
                .collect(),
            system: options.system,
        }
    }

    /// Loads the faces the notice is set in (each role's families, regular and bold), which
    /// typst would otherwise load while it lays the notice out: a build does it on another
    /// core while it computes the figures.
    pub fn preload(&self, families: &Families) {
        let book = self.store.book();
        let roles = [
            &families.title,
            &families.body,
            &families.heading,
            &families.kai,
            &families.serif,
        ];
        for family in roles.into_iter().flatten() {
            for weight in [FontWeight::REGULAR, FontWeight::BOLD] {
                let variant = FontVariant {
                    weight,
                    ..FontVariant::default()
                };
                if let Some(index) = book.select(&family.to_lowercase(), variant) {
                    self.store.font(index);
                }
            }
        }
    }

    /// Chooses the families of each role, or fails when no font covers Chinese.
    pub fn families(&self, output: &str) -> Result<Families, Error> {
        choose(self.store.book()).ok_or_else(|| Error::NoChineseFont {
            output: output.to_string(),
            dirs: self.dirs.clone(),
            system: self.system,
        })
    }
}

/// A font file mapped into memory rather than read into it. A CJK collection is 20 to 30
/// MB and a notice uses four: mapped, they are the page cache's pages, not a copy in
/// fresh memory that the kernel first zeroes (measured in BENCHMARKS.md).
struct MappedFont(FontPath);

/// Every face in `db` that is a file on disk, with typst's description of it, except the
/// other locales of a pan-CJK collection (below).
fn faces(db: &fontdb::Database) -> Vec<(MappedFont, FontInfo)> {
    let in_file: HashSet<(&std::path::Path, &str)> = db
        .faces()
        .filter_map(|face| Some((path_of(face)?, family(face)?)))
        .collect();
    db.faces()
        .filter(|face| {
            let sibling = path_of(face).zip(family(face).and_then(simplified_sibling));
            !sibling.is_some_and(|(path, name)| in_file.contains(&(path, name.as_str())))
        })
        .filter_map(|face| {
            let path = path_of(face)?.to_path_buf();
            let info = db.with_face_data(face.id, FontInfo::new)??;
            Some((
                MappedFont(FontPath {
                    path,
                    index: face.index,
                }),
                info,
            ))
        })
        .collect()
}

/// The face's family name (fontdb puts the English one first).
fn family(face: &fontdb::FaceInfo) -> Option<&str> {
    face.families.first().map(|(name, _)| name.as_str())
}

fn path_of(face: &fontdb::FaceInfo) -> Option<&std::path::Path> {
    match &face.source {
        fontdb::Source::File(path) | fontdb::Source::SharedFile(path, _) => Some(path),
        fontdb::Source::Binary(_) => None,
    }
}

/// For a pan-CJK family of another locale ("Noto Sans CJK JP"), its Simplified Chinese
/// name ("Noto Sans CJK SC"). In one collection the locales share their glyphs and cover
/// the same characters, and every role names an SC family: describing the others (a
/// face's coverage is a sorted list of some 65,000 characters) took four fifths of the
/// fonts' discovery (BENCHMARKS.md), and typst could pick them only as a fallback, which
/// the SC face serves as well.
fn simplified_sibling(family: &str) -> Option<String> {
    [" JP", " KR", " TC", " HK"]
        .iter()
        .find_map(|locale| family.strip_suffix(locale))
        .map(|stem| format!("{stem} SC"))
}

impl FontSource for MappedFont {
    fn load(&self) -> Option<Font> {
        let file = std::fs::File::open(&self.0.path).ok()?;
        // SAFETY: the map is only read, and font files are not rewritten in place. One
        // cut short while a build reads it (say, in a campaign's `fonts` folder) would end
        // the process, as it would in fontdb, which maps the same files to scan them.
        let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
        Font::new(Bytes::new(map), self.0.index)
    }
}

/// Families present in the book whose first face covers Chinese, by their book name.
fn chinese_families(book: &FontBook) -> Vec<(String, &FontInfo)> {
    book.families()
        .filter_map(|(name, mut ids)| {
            let info = ids.find_map(|i| book.info(i))?;
            info.coverage
                .contains(PROBE as u32)
                .then(|| (name.to_string(), info))
        })
        .collect()
}

/// The first of `names` that the book has with Chinese glyphs.
fn first_of(found: &[(String, &FontInfo)], names: &[&str]) -> Option<String> {
    names.iter().find_map(|want| {
        found
            .iter()
            .find(|(have, _)| have.eq_ignore_ascii_case(want))
            .map(|(have, _)| have.clone())
    })
}

/// Any Chinese family whose name does not mark it as Japanese, Korean or Traditional, the
/// serif ones first if `serif`.
fn any_simplified(found: &[(String, &FontInfo)], serif: bool) -> Option<String> {
    let other_script = |n: &str| {
        [" JP", " KR", " TC", " HK", "Japan", "Korea"]
            .iter()
            .any(|s| n.ends_with(s) || n.contains(&format!("{s} ")))
    };
    let looks_serif = |n: &str, info: &FontInfo| {
        let l = n.to_lowercase();
        info.flags.contains(typst::text::FontFlags::SERIF)
            || ["serif", "song", "ming", "宋", "明"]
                .iter()
                .any(|s| l.contains(s))
    };
    let candidates: Vec<&(String, &FontInfo)> =
        found.iter().filter(|(n, _)| !other_script(n)).collect();
    candidates
        .iter()
        .find(|(n, info)| looks_serif(n, info) == serif)
        .or_else(|| candidates.first())
        .map(|(n, _)| n.clone())
        .or_else(|| found.first().map(|(n, _)| n.clone()))
}

/// The families of every role, or `None` when no font covers Chinese.
pub fn choose(book: &FontBook) -> Option<Families> {
    let found = chinese_families(book);
    if found.is_empty() {
        return None;
    }
    let serif = first_of(&found, SERIF_SC).or_else(|| any_simplified(&found, true))?;
    let sans = first_of(&found, SANS_SC)
        .or_else(|| any_simplified(&found, false))
        .unwrap_or_else(|| serif.clone());
    let with_fallback = |first: Option<String>, fallback: &str| -> Vec<String> {
        let mut list: Vec<String> = first.into_iter().collect();
        if !list.iter().any(|f| f == fallback) {
            list.push(fallback.to_string());
        }
        list
    };
    let title = first_of(&found, TITLE);
    Some(Families {
        title_bold: title.is_none(),
        title: with_fallback(title, &serif),
        body: with_fallback(first_of(&found, FANGSONG), &serif),
        heading: with_fallback(first_of(&found, HEITI), &sans),
        kai: with_fallback(first_of(&found, KAITI), &serif),
        serif: vec![serif],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::text::{Coverage, FontFlags, FontVariant};

    fn info(family: &str, chinese: bool) -> FontInfo {
        let mut codepoints = vec!['A' as u32];
        if chinese {
            codepoints.push(PROBE as u32);
        }
        FontInfo {
            family: family.into(),
            variant: FontVariant::default(),
            flags: FontFlags::empty(),
            axes: vec![],
            coverage: Coverage::from_vec(codepoints),
        }
    }

    #[test]
    fn other_locales_name_their_simplified_sibling() {
        assert_eq!(
            simplified_sibling("Noto Sans CJK JP").as_deref(),
            Some("Noto Sans CJK SC")
        );
        assert_eq!(
            simplified_sibling("Noto Serif CJK HK").as_deref(),
            Some("Noto Serif CJK SC")
        );
        assert_eq!(simplified_sibling("Noto Sans CJK SC"), None);
        assert_eq!(simplified_sibling("IPAGothic"), None);
    }

    #[test]
    fn a_collection_is_described_by_its_simplified_faces_only() {
        let noto = std::path::Path::new("/usr/share/fonts/opentype/noto");
        assert!(
            noto.is_dir(),
            "{} missing: install fonts-noto-cjk",
            noto.display()
        );
        let mut db = fontdb::Database::new();
        db.load_fonts_dir(noto);
        let kept: Vec<String> = faces(&db)
            .into_iter()
            .map(|(_, info)| info.family)
            .collect();
        for family in [
            "Noto Sans CJK SC",
            "Noto Serif CJK SC",
            "Noto Sans Mono CJK SC",
        ] {
            assert!(
                kept.iter().any(|f| f == family),
                "{family} missing from {kept:?}"
            );
        }
        // Each of the four files holds one SC face: Sans and Sans Mono in the sans files.
        assert_eq!(kept.len(), 6, "{kept:?}");
        assert!(db.faces().count() > 20, "the collections hold every locale");
    }

    #[test]
    fn no_chinese_font_means_no_families() {
        let book = FontBook::from_infos([info("DejaVu Sans", false)]);
        assert_eq!(choose(&book), None);
    }

    #[test]
    fn the_sc_families_are_named_never_the_japanese_ones() {
        let book = FontBook::from_infos([
            info("Noto Serif CJK JP", true),
            info("Noto Sans CJK JP", true),
            info("Noto Serif CJK SC", true),
            info("Noto Sans CJK SC", true),
        ]);
        let f = choose(&book).unwrap();
        assert_eq!(f.body, ["Noto Serif CJK SC"]);
        assert_eq!(f.heading, ["Noto Sans CJK SC"]);
        assert_eq!(f.title, ["Noto Serif CJK SC"]);
        assert!(f.title_bold);
    }

    #[test]
    fn official_fonts_come_first_when_installed() {
        let book = FontBook::from_infos([
            info("Noto Serif CJK SC", true),
            info("Noto Sans CJK SC", true),
            info("FangSong", true),
            info("SimHei", true),
            info("FZXiaoBiaoSong-B05S", true),
            info("KaiTi", false), // a broken KaiTi without Chinese glyphs is skipped
        ]);
        let f = choose(&book).unwrap();
        assert_eq!(f.title, ["FZXiaoBiaoSong-B05S", "Noto Serif CJK SC"]);
        assert!(!f.title_bold);
        assert_eq!(f.body, ["FangSong", "Noto Serif CJK SC"]);
        assert_eq!(f.heading, ["SimHei", "Noto Sans CJK SC"]);
        assert_eq!(f.kai, ["Noto Serif CJK SC"]);
    }

    #[test]
    fn a_lone_sans_font_serves_every_role() {
        let book = FontBook::from_infos([info("WenQuanYi Micro Hei", true)]);
        let f = choose(&book).unwrap();
        assert_eq!(f.body, ["WenQuanYi Micro Hei"]);
        assert_eq!(f.heading, ["WenQuanYi Micro Hei"]);
    }
}
