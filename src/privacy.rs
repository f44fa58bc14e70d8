//! Personal data stays out of every output: phone and ID-card numbers typed into free
//! text are masked as they are read, and cadres appear under stable keyed pseudonyms.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Whether text may hold a phone or ID-card number: a run of at least 10 digits, counting
/// across the spaces, hyphens and plus signs numbers are written with. A byte scan, so
/// free text without one (nearly all of it) costs no more.
pub fn may_hold_number(text: &str) -> bool {
    let mut run = 0;
    for b in text.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run >= 10 {
                return true;
            }
        } else if !matches!(b, b'-' | b' ' | b'+') {
            run = 0;
        }
    }
    false
}

/// Masks the phone and ID-card numbers in free text, wherever they stand (after letters
/// such as Tel, inside Chinese text), keeping a few digits so a clerk can still tell
/// entries apart: mobile numbers 13812345678 → 138****5678, also written 138-1234-5678,
/// 138 1234 5678 or with +86 / 0086 before them (+86 138****5678); landlines with their
/// area code, 0718-1234567 → 0718-***4567 (also 010 12345678, 07181234567); ID-card
/// numbers of 18 digits, or 17 and an X, → 420***********1234, and the old 15-digit ones
/// (with a real birth date in them). A number is digits, or groups of at least three
/// digits joined by single spaces or hyphens; other numbers (dates, 10086, 2019) stay.
/// A hand-written scan, no regular expression: it runs on every free-text cell.
pub fn mask_numbers(text: &str) -> String {
    if !may_hold_number(text) {
        return text.to_string();
    }
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // The digit groups from here, joined by single separators: byte ranges.
        let mut groups: Vec<(usize, usize)> = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            groups.push((start, j));
            if j + 1 < b.len() && matches!(b[j], b' ' | b'-') && b[j + 1].is_ascii_digit() {
                j += 1;
            } else {
                break;
            }
        }
        let x_after = b.get(j).is_some_and(|c| matches!(c, b'X' | b'x'))
            && !b.get(j + 1).is_some_and(u8::is_ascii_alphanumeric);
        // From each group, the longest run of groups that is a number, masked.
        let mut g = 0;
        while g < groups.len() {
            let found = (g..groups.len()).rev().find_map(|h| {
                let x = x_after && h == groups.len() - 1;
                recognise(b, &groups[g..=h], x).map(|m| (h, m))
            });
            let Some((h, (keep, tail))) = found else {
                g += 1;
                continue;
            };
            let digits: Vec<usize> = groups[g..=h].iter().flat_map(|&(s, e)| s..e).collect();
            // With an X, the X is one of the characters kept at the end.
            let shown_at_end = if x_after && h == groups.len() - 1 {
                tail - 1
            } else {
                tail
            };
            for &at in &digits[keep..digits.len() - shown_at_end] {
                out[at] = b'*';
            }
            g = h + 1;
        }
        i = j;
    }
    String::from_utf8(out).expect("only ASCII digits were replaced")
}

/// Whether the digits of `groups` (byte ranges of `b`) are a phone or ID-card number;
/// `x`: an X follows them. `Some((digits kept at the start, characters kept at the end))`.
fn recognise(b: &[u8], groups: &[(usize, usize)], x: bool) -> Option<(usize, usize)> {
    let digits: Vec<u8> = groups
        .iter()
        .flat_map(|&(s, e)| b[s..e].iter().copied())
        .collect();
    let n = digits.len();
    // The shortest number masked is a landline's ten digits.
    if n < 10 {
        return None;
    }
    let single = groups.len() == 1;
    // Groups of three digits or more (138 1234 5678): never a date's 06-11.
    let grouped = groups.iter().all(|(s, e)| e - s >= 3);
    let mobile = |d: &[u8]| d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1]);
    if x {
        return (n == 17 && grouped).then_some((3, 4));
    }
    if grouped && mobile(&digits) {
        return Some((3, 4));
    }
    // +86 138 1234 5678, 0086-13812345678, 8613812345678.
    for prefix in [&b"86"[..], &b"0086"[..]] {
        let first = &b[groups[0].0..groups[0].1];
        let split =
            first == prefix && groups.len() > 1 && groups[1..].iter().all(|(s, e)| e - s >= 3);
        let joined = single && digits.starts_with(prefix);
        if (split || joined) && mobile(&digits[prefix.len()..]) {
            return Some((prefix.len() + 3, 4));
        }
    }
    if grouped && (n == 18 || (n == 15 && id15(&digits))) {
        return Some((3, 4));
    }
    // Landlines: 0 and a two- or three-digit area code (010 and 02x have two), then seven
    // or eight digits; written whole or as area code, separator, number.
    if digits[0] == b'0' && digits[1] != b'0' {
        let area = if matches!(digits[1], b'1' | b'2') {
            3
        } else {
            4
        };
        let whole = single && (area + 7..=area + 8).contains(&n);
        let split = groups.len() == 2
            && groups[0].1 - groups[0].0 == area
            && (7..=8).contains(&(groups[1].1 - groups[1].0));
        if whole || split {
            return Some((area, 4));
        }
    }
    None
}

/// Whether 15 digits are an old (first-generation) ID-card number: a region code, then a
/// birth date as YYMMDD.
fn id15(d: &[u8]) -> bool {
    let two = |i: usize| u32::from(d[i] - b'0') * 10 + u32::from(d[i + 1] - b'0');
    d[0] != b'0' && (1..=12).contains(&two(8)) && (1..=31).contains(&two(10))
}

/// An item's id as outputs show it: whole, unless it is (or holds) a phone or ID-card
/// number, which is masked as in free text. Ids are matched on their raw value inside;
/// only what is written out goes through this.
pub fn shown_id(id: &str) -> String {
    mask_numbers(id)
}

/// Stable pseudonyms: the same member id and key always give the same name, so quarters
/// compare; without the key nobody can tell who is behind one.
pub struct Pseudonyms {
    mac: Hmac<Sha256>,
}

impl Pseudonyms {
    pub fn new(key: &[u8]) -> Pseudonyms {
        Pseudonyms {
            mac: Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length"),
        }
    }

    /// 干部-3F9A2C
    pub fn of(&self, member_id: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(member_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        let hex: String = digest[..3].iter().map(|b| format!("{b:02X}")).collect();
        format!("干部-{hex}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_and_id_numbers_in_text_are_masked() {
        assert_eq!(mask_numbers("联系人13812345678"), "联系人138****5678");
        assert_eq!(mask_numbers("电话：15900001111。"), "电话：159****1111。");
        assert_eq!(
            mask_numbers("身份证420528199001011234"),
            "身份证420***********1234"
        );
        assert_eq!(mask_numbers("42052819900101123X号"), "420***********123X号");
    }

    /// Each form was printed in full: separators, a prefix such as Tel or +86, landlines,
    /// 15-digit ID numbers.
    #[test]
    fn phone_and_id_numbers_in_every_common_form_are_masked() {
        for (text, masked) in [
            ("138-1234-5678", "138-****-5678"),
            ("138 1234 5678", "138 **** 5678"),
            ("Tel13812345678", "Tel138****5678"),
            ("TEL:13812345678", "TEL:138****5678"),
            ("+86 13812345678", "+86 138****5678"),
            ("+8613812345678", "+86138****5678"),
            ("0086-138-1234-5678", "0086-138-****-5678"),
            ("联系电话0718-1234567转", "联系电话0718-***4567转"),
            ("办公室 010-12345678", "办公室 010-****5678"),
            ("07181234567", "0718***4567"),
            ("身份证420528900101123", "身份证420********1123"),
            ("身份证42052819900101123X", "身份证420***********123X"),
            ("42052819900101123x号", "420***********123x号"),
            ("420528 19900101 1234", "420*** ******** 1234"),
            (
                "张三13812345678李四15900001111",
                "张三138****5678李四159****1111",
            ),
            ("13812345678abc", "138****5678abc"),
            (
                "会议 2019-06-11 联系 13812345678",
                "会议 2019-06-11 联系 138****5678",
            ),
        ] {
            assert_eq!(mask_numbers(text), masked, "{text}");
            assert!(may_hold_number(text), "{text}");
        }
    }

    #[test]
    fn other_numbers_are_left_alone() {
        for text in [
            "2019年第三季度",
            "第12期",
            "LC0001",
            "群12345678901234",
            "10086",
            "1381234567",
            "2019-06-11 2019-09-30",
            "2019-06-11至2019-09-30",
            "123456789012345",
            "0000-1234567",
            "第2019 06 11期",
        ] {
            assert_eq!(mask_numbers(text), text);
        }
    }

    #[test]
    fn pseudonyms_are_stable_and_keyed() {
        let a = Pseudonyms::new(b"key-a");
        assert_eq!(a.of("LC-P00001"), a.of("LC-P00001"));
        assert_ne!(a.of("LC-P00001"), a.of("LC-P00002"));
        assert_ne!(a.of("LC-P00001"), Pseudonyms::new(b"key-b").of("LC-P00001"));
        assert!(a.of("x").starts_with("干部-"));
    }
}
