//! Reading a file flagdebt was told to read by name (config, rule files, registries, env
//! files, provider snapshots, baselines). Such a file may be planted by a pull request, so it
//! must be a regular file (a FIFO would block forever, `/dev/zero` never ends) under a size
//! limit, checked before the read and enforced while reading. One function for all of them:
//! [`read_named`].

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The default limit of a file read by name (config `max_input_size`).
pub const DEFAULT_MAX_INPUT: u64 = 64 * 1024 * 1024;

static MAX_INPUT: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT);

/// Set the limit of files read by name (from config `max_input_size`).
pub fn set_max_input(bytes: u64) {
    MAX_INPUT.store(bytes, Ordering::Relaxed);
}

/// The limit of files read by name.
pub fn max_input() -> u64 {
    MAX_INPUT.load(Ordering::Relaxed)
}

/// Why a named file was not read. Its text never quotes the file's contents.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// A FIFO, a device, a socket or a directory.
    NotRegular(&'static str),
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// Not UTF-8: the 1-based line and column of the first bad byte.
    NotUtf8 {
        line: usize,
        column: usize,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
                write!(f, "cannot read: no such file")
            }
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
            ReadError::NotRegular(what) => write!(f, "not a regular file ({what})"),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "larger than the {} limit ({}{}; config max_input_size)",
                crate::walk::human_size(*limit),
                if size > limit { "" } else { "over " },
                crate::walk::human_size(*size)
            ),
            ReadError::NotUtf8 { line, column } => {
                write!(f, "not valid UTF-8 (at {line}:{column})")
            }
        }
    }
}

impl std::error::Error for ReadError {}

fn kind_of(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Read the regular file at `path` (symlinks followed) of at most `limit` bytes. The type is
/// checked before opening (opening a FIFO blocks) and again on the open file.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(meta.file_type())));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(meta.file_type())));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// [`read_bytes`] as UTF-8 text, under the configured limit ([`max_input`]).
pub fn read_named(path: &Path) -> Result<String, ReadError> {
    read_text(path, max_input())
}

/// [`read_bytes`] as UTF-8 text, under `limit`.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_bytes(path, limit)?;
    String::from_utf8(bytes).map_err(|err| {
        let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        ReadError::NotUtf8 { line, column }
    })
}
