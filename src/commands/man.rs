//! `awsmfa man`: the manual page, as roff on stdout (clap_mangen, from the same definitions
//! as `--help`). One page for the whole tool: what each command does, its options and
//! examples, then the exit codes and the environment.

use clap::CommandFactory;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use super::{Context, Run};
use crate::cli::{self, Cli};
use crate::error::Result;
use crate::launcher::{Action, Report};

impl Run for cli::Man {
    fn action(&self) -> (Action, Option<&str>) {
        (Action::Document, None)
    }

    fn run(self, _ctx: &Context<'_>) -> Result<Report> {
        Ok(Report::Document(page()))
    }
}

/// The page: title, NAME, SYNOPSIS, DESCRIPTION, OPTIONS, COMMANDS (a subsection each),
/// EXIT STATUS AND ENVIRONMENT, VERSION.
pub fn page() -> String {
    let mut cmd = Cli::command();
    cmd.build();
    let top = Man::new(cmd.clone()).manual("awsmfa manual");
    let mut out = String::new();
    let section = |render: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut buf = Vec::new();
        render(&mut buf).expect("writing to memory cannot fail");
        String::from_utf8(buf).expect("clap_mangen writes UTF-8")
    };
    out.push_str(&section(&|w| top.render_title(w)));
    out.push_str(&section(&|w| top.render_name_section(w)));
    out.push_str(&section(&|w| top.render_synopsis_section(w)));
    out.push_str(&section(&|w| top.render_description_section(w)));
    out.push_str(&section(&|w| top.render_options_section(w)));
    out.push_str(".SH COMMANDS\n");
    for sub in commands(&cmd) {
        // --format and --help are the same for every command: documented once, above.
        let sub = sub.clone().mut_args(|a| match a.get_id().as_str() {
            "format" | "help" => a.hide(true),
            _ => a,
        });
        let name = sub.get_bin_name().unwrap_or(sub.get_name()).to_string();
        let man = Man::new(sub);
        out.push_str(&format!(".SS \"{name}\"\n"));
        for render in [
            &(|w: &mut Vec<u8>| man.render_synopsis_section(w)) as &dyn Fn(&mut Vec<u8>) -> _,
            &|w| man.render_description_section(w),
            &|w| man.render_options_section(w),
        ] {
            out.push_str(&without_headings(&section(render)));
        }
        out.push_str(&actions(man_command(&name, &cmd)));
        out.push_str(&without_headings(&section(&|w| {
            man.render_extra_section(w)
        })));
    }
    out.push_str(&section(&|w| top.render_extra_section(w)).replacen(
        ".SH EXTRA",
        ".SH \"EXIT STATUS AND ENVIRONMENT\"",
        1,
    ));
    out.push_str(&section(&|w| top.render_version_section(w)));
    ascii(&out)
}

/// `text` with every character outside ASCII (→, ·, …) written as the roff escape `\[uXXXX]`,
/// which groff and mandoc both read whatever the input encoding.
fn ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}

/// The commands a person types: not `help`, which clap adds.
fn commands(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

/// The subcommand of `top` whose full name is `name` (`awsmfa reminders`).
fn man_command<'a>(name: &str, top: &'a clap::Command) -> &'a clap::Command {
    let last = name.rsplit(' ').next().unwrap_or(name);
    top.find_subcommand(last).unwrap_or(top)
}

/// The actions of a command that has its own (`reminders on|off|status`), one `.TP` each.
fn actions(cmd: &clap::Command) -> String {
    let mut roff = Roff::new();
    for action in commands(cmd) {
        roff.control("TP", []);
        roff.text([bold(action.get_name())]);
        if let Some(about) = action.get_about() {
            roff.text([roman(about.to_string())]);
        }
    }
    roff.to_roff()
}

/// A section of a command's own page without its `.SH` heading, to sit in that command's
/// subsection; a paragraph break keeps it apart from what comes before.
fn without_headings(roff: &str) -> String {
    roff.lines()
        .map(|line| {
            if line.starts_with(".SH ") {
                ".PP"
            } else {
                line
            }
        })
        .map(|line| format!("{line}\n"))
        .collect()
}
