//! Writing a report folder so that no reader ever sees half of it: every file goes into
//! a hidden staging folder beside the target, which then replaces the target by renames.
//! The one protocol for every folder jianfu writes: a build's report, a comparison, a
//! report published to the share.

use crate::error::Error;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How a staged folder is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Durability {
    /// Each file, and each folder before it is renamed, is synced to disk: a share's
    /// readers must never see a folder whose files the disk does not yet hold.
    pub sync: bool,
    /// The caller holds a lock that keeps every other writer of this target away, so
    /// any staging folder found beside it was left by a killed process.
    pub exclusive: bool,
}

impl Durability {
    /// A build's own output folder: a reader at worst sees the previous report.
    pub const LOCAL: Durability = Durability {
        sync: false,
        exclusive: false,
    };
    /// The share, under its publish lock: synced, and leftovers are surely dead.
    pub const SHARED: Durability = Durability {
        sync: true,
        exclusive: true,
    };
}

/// A report folder being written.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    durability: Durability,
    committed: bool,
}

impl Staging {
    /// Starts writing `target`, removing what earlier interrupted runs left beside it.
    pub fn new(target: &Path, durability: Durability) -> Result<Staging, Error> {
        let parent = target.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        remove_leftovers(parent, &name, durability.exclusive);
        let dir = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::write(&dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| Error::write(&dir, e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            durability,
            committed: false,
        })
    }

    /// The folder to write into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes one file (creating subfolders) into the staging folder.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
        }
        if !self.durability.sync {
            return std::fs::write(&path, bytes).map_err(|e| Error::write(&path, e));
        }
        let mut file = File::create(&path).map_err(|e| Error::write(&path, e))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::write(&path, e))
    }

    /// Replaces the target with the staged folder. Where the file system can, the two
    /// are exchanged in one step (Linux `renameat2(RENAME_EXCHANGE)`), so the target's
    /// path names a complete report at every instant; elsewhere the old version is moved
    /// aside first, put back if the new one cannot be placed, and restored by the next
    /// run if the process dies between the two renames.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        if self.durability.sync {
            sync_tree(&self.dir)?;
        }
        failpoint("staged");
        let parent = self.target.parent().unwrap_or(Path::new(".")).to_path_buf();
        let had_old = self.target.exists();
        if had_old && exchange(&self.dir, &self.target).is_ok() {
            self.committed = true;
            self.sync_parent(&parent)?;
            failpoint("exchanged");
            // The staging path now holds the old version.
            let _ = std::fs::remove_dir_all(&self.dir);
            return Ok(self.target.clone());
        }
        let aside = parent.join(format!(
            ".{}.old-{}",
            self.target
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            std::process::id()
        ));
        if had_old {
            std::fs::rename(&self.target, &aside).map_err(|e| Error::write(&self.target, e))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = std::fs::rename(&aside, &self.target);
            }
            return Err(Error::write(&self.target, e));
        }
        self.committed = true;
        self.sync_parent(&parent)?;
        if had_old {
            let _ = std::fs::remove_dir_all(&aside);
        }
        Ok(self.target.clone())
    }

    fn sync_parent(&self, parent: &Path) -> Result<(), Error> {
        if self.durability.sync {
            sync_dir(parent)?;
        }
        Ok(())
    }
}

fn sync_dir(dir: &Path) -> Result<(), Error> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::write(dir, e))
}

fn sync_tree(dir: &Path) -> Result<(), Error> {
    for entry in std::fs::read_dir(dir)
        .map_err(|e| Error::write(dir, e))?
        .flatten()
    {
        if entry.path().is_dir() {
            sync_tree(&entry.path())?;
        }
    }
    sync_dir(dir)
}

/// Stops the process at a named step when `JIANFU_FAILPOINT` names it, as a kill would:
/// the crash-safety tests use it to interrupt a build between two steps.
pub fn failpoint(step: &str) {
    if std::env::var("JIANFU_FAILPOINT").is_ok_and(|v| v == step) {
        std::process::abort();
    }
}

/// Swaps two folders in one step; fails where the file system cannot (the caller then
/// falls back to two renames).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: both pointers are valid NUL-terminated paths for the duration of the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Whether the process that named a staging folder may still be writing it.
#[cfg(unix)]
fn alive(pid: &str) -> bool {
    let Ok(pid) = pid.parse::<libc::pid_t>() else {
        return false;
    };
    if pid <= 0 || pid == std::process::id() as libc::pid_t {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn alive(_: &str) -> bool {
    false
}

impl Drop for Staging {
    /// A failed or abandoned build leaves nothing behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Clears what killed runs left beside `target`, for a run that finds the report already
/// up to date and so writes no new one.
pub fn tidy(target: &Path) {
    let parent = target.parent().unwrap_or(Path::new("."));
    if let Some(name) = target.file_name() {
        remove_leftovers(parent, &name.to_string_lossy(), false);
    }
}

/// Clears what killed runs left beside `name`: their staging folders (unless their
/// process may still be running — a concurrent build — and `exclusive` does not say
/// otherwise), and a previous version set aside — which is put back when the run died
/// before the new version took its place.
fn remove_leftovers(parent: &Path, name: &str, exclusive: bool) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let partial = format!(".{name}.partial-");
    let old = format!(".{name}.old-");
    let target = parent.join(name);
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = file_name.strip_prefix(&partial) {
            if exclusive || !alive(pid) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        } else if file_name.starts_with(&old) {
            if !target.exists() && std::fs::rename(entry.path(), &target).is_ok() {
                continue;
            }
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Durability = Durability::LOCAL;

    #[test]
    fn a_version_set_aside_by_a_killed_run_is_put_back() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("2019-09-30");
        let aside = root.path().join(".2019-09-30.old-4000000");
        std::fs::create_dir_all(&aside).unwrap();
        std::fs::write(aside.join("manifest.json"), "old").unwrap();
        let dead = root.path().join(".2019-09-30.partial-4000000");
        std::fs::create_dir_all(&dead).unwrap();
        let staging = Staging::new(&target, PLAIN).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("manifest.json")).unwrap(),
            "old"
        );
        assert!(!aside.exists() && !dead.exists());
        staging.write("manifest.json", b"new").unwrap();
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("manifest.json")).unwrap(),
            "new"
        );
        let names: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["2019-09-30"]);
    }

    #[test]
    fn a_running_build_keeps_its_staging_folder() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("2019-09-30");
        // PID 1 is always running.
        let running = root.path().join(".2019-09-30.partial-1");
        std::fs::create_dir_all(&running).unwrap();
        let _staging = Staging::new(&target, PLAIN).unwrap();
        assert!(running.exists());
    }
}
