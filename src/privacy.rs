//! Personal data stays out of every output: phone and ID-card numbers typed into free
//! text are masked as they are read, and cadres appear under stable keyed pseudonyms.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Masks mainland mobile numbers (1[3-9] + 9 digits) and ID-card numbers (17 digits + a
/// digit or X) inside free text, keeping the first three and last four characters so a
/// clerk can still tell entries apart: 13812345678 → 138****5678.
pub fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_alphanumeric()) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let run_end = (i..chars.len())
            .find(|&j| !chars[j].is_ascii_digit())
            .unwrap_or(chars.len());
        let digits = run_end - i;
        let id_card = digits == 17 && chars.get(run_end).is_some_and(|c| matches!(c, 'X' | 'x'));
        let len = if id_card { 18 } else { digits };
        let after = chars.get(i + len).copied();
        let bounded = !after.is_some_and(|c| c.is_ascii_alphanumeric());
        let mobile = digits == 11 && chars[i] == '1' && ('3'..='9').contains(&chars[i + 1]);
        if bounded && (mobile || digits == 18 || id_card) {
            out.extend(&chars[i..i + 3]);
            out.extend(std::iter::repeat_n('*', len - 7));
            out.extend(&chars[i + len - 4..i + len]);
        } else {
            out.extend(&chars[i..i + len]);
        }
        i += len;
    }
    out
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

    #[test]
    fn other_numbers_are_left_alone() {
        for text in [
            "2019年第三季度",
            "第12期",
            "LC0001",
            "群12345678901234",
            "10086",
            "1381234567",
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
