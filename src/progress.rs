//! Progress on stderr for the long stages of a build (load, analyse, render, write), and
//! their timings (`--timings`).
//!
//! A spinner appears only when a stage has run for a second, only when stderr is a
//! terminal, and never with `--quiet`: piped or scripted runs print nothing extra.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How a build shows its progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Show {
    /// Spinners on a terminal, nothing otherwise.
    #[default]
    Auto,
    /// Nothing at all (`--quiet`).
    Quiet,
}

/// The stages of one build, timed.
#[derive(Debug)]
pub struct Stages {
    show: Show,
    /// (stage, seconds), in the order they ran.
    pub timings: Vec<(String, f64)>,
    started: Instant,
}

impl Stages {
    pub fn new(show: Show) -> Stages {
        Stages {
            show,
            timings: Vec::new(),
            started: Instant::now(),
        }
    }

    fn visible(&self) -> bool {
        self.show == Show::Auto && std::io::stderr().is_terminal()
    }

    /// Runs one stage, with a spinner after a second when visible, and records its time.
    pub fn run<T>(&mut self, name: &str, label: &str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = self.show(label, f);
        self.timings
            .push((name.to_string(), start.elapsed().as_secs_f64()));
        out
    }

    /// Shows a spinner after a second when visible, without recording a time: for waiting
    /// on stages that run, and are timed, on another thread.
    pub fn show<T>(&self, label: &str, f: impl FnOnce() -> T) -> T {
        let bar = self.visible().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(label.to_string());
            // Drawn by indicatif's ticker only from one second on.
            let ticker = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(1));
                if !ticker.is_finished() {
                    ticker.enable_steady_tick(Duration::from_millis(120));
                }
            });
            bar
        });
        let out = f();
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        out
    }

    /// Records a stage that ran on another thread.
    pub fn record(&mut self, name: &str, seconds: f64) {
        self.timings.push((name.to_string(), seconds));
    }

    /// Seconds since these stages began.
    pub fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

/// A bar with a known length (used by `synth`), hidden under the same conditions.
pub fn bar(show: Show, len: u64, label: &str) -> ProgressBar {
    if show == Show::Quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {percent}% {elapsed}/{eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(label.to_string());
    bar
}
