//! manifest.json: every input and output file with its SHA-256, and the tool's version,
//! so a reader can prove which inventories a report came from. One type, written by a
//! build and read by the next build, by publish and by a roll-up.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub tool: Tool,
    pub campaign: String,
    pub current: String,
    /// Paths relative to the campaign folder, sorted.
    pub inputs: Vec<FileEntry>,
    /// Paths relative to the report folder, sorted; manifest.json itself excluded.
    pub outputs: Vec<FileEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    pub fn this() -> Tool {
        Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

impl FileEntry {
    pub fn of(path: String, content: &[u8]) -> FileEntry {
        FileEntry {
            path,
            sha256: sha256_hex(content),
            bytes: content.len() as u64,
        }
    }
}

impl Manifest {
    /// manifest.json's bytes: pretty-printed, with a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest always serializes");
        bytes.push(b'\n');
        bytes
    }
}

pub fn sha256_hex(content: &[u8]) -> String {
    hex(&Sha256::digest(content))
}

/// Lower-case hex, as manifest.json writes digests.
pub fn hex(digest: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(digest.len() * 2);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}
