//! Printing an outcome: its output to standard output, and what a failure to print it
//! means for the exit code. A CI gate reads the output and trusts the exit code, so an
//! output cut short must not exit as if it were whole.

use std::io::{self, BufWriter, ErrorKind, Write};

use super::{Outcome, exit};

impl Outcome {
    /// Writes the output into `out` (standard output, in the binary), stopping at the
    /// first error.
    pub fn print(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.stdout.as_bytes())?;
        if let Some(stream) = &self.stream {
            // Rendered as it is written: standard output is line-buffered, so through a
            // buffer.
            let mut buffered = BufWriter::with_capacity(1 << 16, &mut *out);
            stream.write(&mut buffered)?;
            buffered.flush()?;
        }
        out.flush()
    }
}

/// The exit code of a run that exited with `code` once its output was `printed`, and what
/// to say on standard error if that changed it. A closed pipe (`iamlint check ... | head`)
/// is no error: the reader has what it wanted. Any other failure (a full disk, a device
/// error) left the output incomplete: exit 2.
pub fn printed(code: u8, printed: &io::Result<()>) -> (u8, Option<String>) {
    match printed {
        Err(error) if error.kind() != ErrorKind::BrokenPipe => (
            exit::ERROR,
            Some(format!(
                "error: the output could not be written to standard output ({error}): it is \
                 incomplete\n"
            )),
        ),
        _ => (code, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Stream;

    /// Takes `room` bytes, then fails as `kind`.
    struct Failing {
        room: usize,
        kind: ErrorKind,
        taken: Vec<u8>,
    }

    impl Write for Failing {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from(self.kind));
            }
            let taken = bytes.len().min(self.room);
            self.room -= taken;
            self.taken.extend_from_slice(&bytes[..taken]);
            Ok(taken)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn outcome(code: u8) -> Outcome {
        Outcome {
            stdout: "head\n".to_owned(),
            stream: Some(Stream::new(|out| {
                for line in 0..10_000 {
                    writeln!(out, "line {line}")?;
                }
                Ok(())
            })),
            code,
            ..Outcome::default()
        }
    }

    #[test]
    fn a_whole_output_keeps_the_runs_exit_code() {
        let mut out = Vec::new();
        let run = outcome(1);
        let result = run.print(&mut out);
        assert!(result.is_ok());
        assert!(out.starts_with(b"head\nline 0\n"));
        assert!(out.ends_with(b"line 9999\n"));
        assert_eq!(printed(1, &result), (1, None));
    }

    #[test]
    fn an_output_cut_short_exits_2_and_says_so() {
        for (room, code) in [(0, 0), (3, 1), (20_000, 0)] {
            let mut out = Failing {
                room,
                kind: ErrorKind::StorageFull,
                taken: Vec::new(),
            };
            let result = outcome(code).print(&mut out);
            assert!(result.is_err(), "room {room}");
            assert!(out.taken.len() <= room);
            let (exit_code, message) = printed(code, &result);
            assert_eq!(exit_code, exit::ERROR, "room {room}");
            assert!(
                message
                    .as_deref()
                    .is_some_and(|message| message.contains("incomplete")),
                "{message:?}"
            );
        }
    }

    #[test]
    fn a_closed_pipe_is_no_error() {
        let mut out = Failing {
            room: 100,
            kind: ErrorKind::BrokenPipe,
            taken: Vec::new(),
        };
        let result = outcome(1).print(&mut out);
        assert!(result.is_err());
        assert_eq!(printed(1, &result), (1, None));
    }
}
