//! The options of the sources command.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum SourcesCommand {
    /// Register a source; prints its id. Without --mapping the first import maps the columns
    /// named like the variables, and keeps that mapping.
    Create {
        /// `students` (student survey micro-data), `staff` (staff survey micro-data) or
        /// `incidents` (incident registrations: counts per institution, year and category).
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name: String,
        /// JSON: {"columns": {"variable": "file column", …}, "recode": {"variable": {"file value": "value"}}}.
        #[arg(long)]
        mapping: Option<PathBuf>,
    },
    /// Import a file (.csv with ; , or tab, UTF-8 or Windows-1252, or .xlsx): one snapshot per
    /// year in it; nothing is stored when any cell is wrong. A year that has a snapshot in use
    /// with other rows is replaced only with --replace REASON; without it, what would change is
    /// printed and nothing is stored.
    Import {
        #[arg(long)]
        source: String,
        file: PathBuf,
        /// Why the file replaces the snapshots in use of its years (a corrected delivery).
        #[arg(long, value_name = "REASON")]
        replace: Option<String>,
    },
    /// List a source's snapshots: id, year, rows, status, file, SHA-256, last change (who,
    /// when, why).
    List {
        #[arg(long)]
        source: String,
    },
    /// Withdraw a year: its snapshot in use is set aside, the figures lose that year.
    Withdraw {
        #[arg(long)]
        source: String,
        #[arg(long)]
        year: i32,
        #[arg(long)]
        reason: String,
    },
    /// Bring a superseded or withdrawn snapshot back into use (the one in use of its year is
    /// superseded).
    Restore {
        #[arg(long)]
        source: String,
        #[arg(long)]
        snapshot: i32,
        #[arg(long)]
        reason: String,
    },
    /// Audit a source's figures as an attacker would: for every cell hidden for being small, the
    /// lowest and highest value it can have given everything published (linear programming),
    /// and a count of the hidden cells by reason.
    Audit {
        #[arg(long)]
        source: String,
        /// Only this year.
        #[arg(long)]
        year: Option<i64>,
    },
    /// Write the student figures of snapshots (with complementary suppression) as CSV.
    Figures {
        /// Snapshot ids.
        #[arg(long = "snapshot", required = true)]
        snapshots: Vec<i32>,
        #[arg(long)]
        out: PathBuf,
        /// Smallest n of a share shown.
        #[arg(long, default_value_t = app::domain::aggregate::MIN_N_SHARES)]
        min_n: u64,
        /// Smallest count (of incidents) shown.
        #[arg(long, default_value_t = app::domain::aggregate::MIN_N_COUNTS)]
        min_count: u64,
    },
}
