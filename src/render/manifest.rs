//! manifest.json: every input and output file with its SHA-256, and the tool's version,
//! so a reader can prove which inventories a report came from.

use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Serialize)]
pub struct Manifest {
    pub tool: Tool,
    pub campaign: String,
    pub current: String,
    /// Paths relative to the campaign folder, sorted.
    pub inputs: Vec<FileEntry>,
    /// Paths relative to the report folder, sorted; manifest.json itself excluded.
    pub outputs: Vec<FileEntry>,
}

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Tool {
    pub fn this() -> Tool {
        Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Serialize)]
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

pub fn sha256_hex(content: &[u8]) -> String {
    Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
