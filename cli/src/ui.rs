//! Terminal detection: whether to colour, draw progress bars and prompt.
//!
//! - Colour only when stdout is a terminal (or `--color always`), never with `NO_COLOR` set
//!   (unless `--color always`) or `TERM=dumb`.
//! - Progress bars only when both stdout and stderr are terminals.
//! - Prompts only when stdin and stderr are terminals; otherwise a command that needs an
//!   answer fails with a usage error naming the flag that gives it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::exit;
use crate::global::ColorChoice;

/// How the output may look and whether a person can be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ui {
    pub color: bool,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    pub stdin_tty: bool,
}

/// A tone for a piece of text: what colour it gets when colour is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Good,
    Warn,
    Bad,
    Dim,
    Bold,
}

impl Ui {
    /// Looks at the real terminals and environment.
    pub fn detect(choice: ColorChoice) -> Self {
        let stdout_tty = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        Ui {
            color: decide_color(choice, stdout_tty, no_color, dumb),
            stdout_tty,
            stderr_tty: std::io::stderr().is_terminal(),
            stdin_tty: std::io::stdin().is_terminal(),
        }
    }

    /// No terminal anywhere, no colour: what scripts and tests see (and several clusters'
    /// waits, which print lines instead of bars).
    pub fn plain() -> Self {
        Ui {
            color: false,
            stdout_tty: false,
            stderr_tty: false,
            stdin_tty: false,
        }
    }

    /// Whether a person can answer prompts.
    pub fn interactive(&self) -> bool {
        self.stdin_tty && self.stderr_tty
    }

    /// Whether progress bars and spinners may be drawn.
    pub fn progress(&self) -> bool {
        self.stdout_tty && self.stderr_tty
    }

    /// `text` in the tone's colour when colour is on, else unchanged.
    pub fn paint(&self, text: &str, tone: Tone) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match tone {
            Tone::Plain => return text.to_string(),
            Tone::Good => "32",
            Tone::Warn => "33",
            Tone::Bad => "31",
            Tone::Dim => "2",
            Tone::Bold => "1",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// Fails with a usage error naming `flag` unless a person can be asked.
    pub fn require_interactive(&self, what: &str, flag: &str) -> anyhow::Result<()> {
        if self.interactive() {
            Ok(())
        } else {
            Err(exit::usage(format!(
                "{what}: stdin is not a terminal, so pgctl cannot ask; pass {flag}"
            )))
        }
    }

    /// Asks the person to type `expected` to confirm; true when they did.
    pub fn confirm_by_name(&self, prompt: &str, expected: &str) -> anyhow::Result<bool> {
        let answer: String = dialoguer::Input::new()
            .with_prompt(format!("{prompt} Type {expected:?} to confirm"))
            .allow_empty(true)
            .interact_text()?;
        Ok(answer.trim() == expected)
    }

    /// A spinner with a message, hidden when progress is off.
    pub fn spinner(&self, message: impl Into<String>) -> ProgressBar {
        if !self.progress() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// A bar of `total` steps, hidden when progress is off.
    pub fn bar(&self, total: u64) -> ProgressBar {
        if !self.progress() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(total);
        if let Ok(style) =
            ProgressStyle::with_template("[{bar:30}] {pos}/{len} pods updated  {msg} ({elapsed})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }
}

/// The colour decision, pure for tests.
pub fn decide_color(choice: ColorChoice, stdout_tty: bool, no_color: bool, dumb: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout_tty && !no_color && !dumb,
    }
}

/// The tone of a `PostgresClusterStatus` value.
pub fn status_tone(status: &str) -> Tone {
    match status {
        "Running" => Tone::Good,
        "Creating" | "Updating" => Tone::Warn,
        "" | "-" | "Unknown" | "Stopped" => Tone::Dim,
        _ => Tone::Bad,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(decide_color(ColorChoice::Auto, true, false, false));
        assert!(!decide_color(ColorChoice::Auto, false, false, false));
        assert!(!decide_color(ColorChoice::Auto, true, true, false));
        assert!(!decide_color(ColorChoice::Auto, true, false, true));
        assert!(decide_color(ColorChoice::Always, false, true, false));
        assert!(!decide_color(ColorChoice::Never, true, false, false));
    }

    #[test]
    fn plain_ui_paints_nothing_and_never_prompts() {
        let ui = Ui::plain();
        assert_eq!(ui.paint("Running", Tone::Good), "Running");
        assert!(!ui.interactive());
        assert!(!ui.progress());
        let error = ui
            .require_interactive("scaling to 0 needs confirmation", "--yes")
            .expect_err("no terminal");
        assert_eq!(exit::code_of(&error), exit::Code::Usage);
        assert!(error.to_string().contains("--yes"));
        let coloured = Ui {
            color: true,
            ..Ui::plain()
        };
        assert_eq!(coloured.paint("x", Tone::Bad), "\x1b[31mx\x1b[0m");
    }
}
