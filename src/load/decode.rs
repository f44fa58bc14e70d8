//! Turning a text file's bytes into UTF-8, whatever Excel or WPS saved it as.

use std::borrow::Cow;

/// Why bytes could not be read as text.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// NUL bytes or another file format: not a text file at all.
    Binary(&'static str),
    /// Text in an encoding that is neither UTF-8 nor GBK/GB18030.
    UnknownEncoding,
}

/// Decodes UTF-8 (with or without BOM), UTF-16 with BOM, and GBK/GB18030.
///
/// Only the first 64 KiB are sniffed: detection on a whole province-size file takes
/// seconds and tells nothing more.
pub fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return simdutf8::basic::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|_| DecodeError::UnknownEncoding);
    }
    for (bom, encoding) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if bytes.starts_with(bom) {
            let (text, _, had_errors) = encoding.decode(bytes);
            return if had_errors {
                Err(DecodeError::UnknownEncoding)
            } else {
                Ok(text)
            };
        }
    }
    if let Some(kind) = sniff_binary(bytes) {
        return Err(DecodeError::Binary(kind));
    }
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(head, head.len() == bytes.len());
    // Chinese offices save GBK; Big5 is the one other encoding worth telling apart.
    // GB18030 is a superset of GBK and GB2312 and also reads four-byte sequences.
    let encoding =
        if detector.guess(Some(b"cn"), chardetng::Utf8Detection::Deny) == encoding_rs::BIG5 {
            encoding_rs::BIG5
        } else {
            encoding_rs::GB18030
        };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        Err(DecodeError::UnknownEncoding)
    } else {
        Ok(text)
    }
}

/// Recognises files that are plainly not text: workbooks, archives, PDFs, anything with NULs.
fn sniff_binary(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some("xlsx/zip")
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        Some("xls")
    } else if bytes.starts_with(b"PAR1") {
        Some("parquet")
    } else if bytes.starts_with(b"%PDF") {
        Some("pdf")
    } else if bytes[..bytes.len().min(8192)].contains(&0) {
        Some("binary")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "编号,群名称,状态\r\nLC0001,凉雾乡党建工作群,正常\r\n";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode_text(TEXT.as_bytes()).unwrap(), TEXT);
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
        assert_eq!(decode_text(&with_bom).unwrap(), TEXT);
    }

    #[test]
    fn gbk_as_excel_saves_it() {
        let (gbk, _, errors) = encoding_rs::GBK.encode(TEXT);
        assert!(!errors);
        assert_ne!(gbk.as_ref(), TEXT.as_bytes());
        assert_eq!(decode_text(&gbk).unwrap(), TEXT);
    }

    #[test]
    fn gb18030_four_byte_characters() {
        // 𠀀 (U+20000) needs GB18030's four-byte form.
        let text = "编号,群名称\n1,𠀀村工作群\n";
        let (bytes, _, errors) = encoding_rs::GB18030.encode(text);
        assert!(!errors);
        assert_eq!(decode_text(&bytes).unwrap(), text);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in TEXT.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode_text(&bytes).unwrap(), TEXT);
    }

    #[test]
    fn binary_files_are_named_not_decoded() {
        assert_eq!(
            decode_text(b"PK\x03\x04rest of a zip"),
            Err(DecodeError::Binary("xlsx/zip"))
        );
        assert_eq!(
            decode_text(b"id,name\n1,\0\0\0"),
            Err(DecodeError::Binary("binary"))
        );
    }
}
