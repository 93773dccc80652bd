//! Opening the books: a ledger directory (project.toml + journal) or a bare journal,
//! read, completed (elided amounts inferred) and put through the basic checks.

use std::path::{Path, PathBuf};

use crate::check::{self, Context};
use crate::diag::Diagnostic;
use crate::finalize::infer_elided_amounts;
use crate::model::{Journal, Project};
use crate::precision::Precisions;
use crate::read::journal::{LoadOptions, load_with_sources};
use crate::read::project::read_project;

/// Where the books are.
#[derive(Debug, Clone)]
pub enum Source {
    /// A ledger directory with `project.toml` (and its journal, `books.journal` by default).
    Ledger(PathBuf),
    /// A bare hledger/ledger journal, without a project file.
    Journal(PathBuf),
}

/// Why the books cannot be opened at all (as opposed to problems found in them).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{0} is not a directory")]
    NotADirectory(PathBuf),
    #[error(
        "no project.toml in {0} (use -f FILE to read a bare journal, or `fundledger -L DIR` to name the ledger)"
    )]
    NoProject(PathBuf),
    #[error("no journal at {0}")]
    NoJournal(PathBuf),
    #[error("{0} is a directory, not a journal (use -L DIR for a ledger directory)")]
    JournalIsADirectory(PathBuf),
}

/// The books, read and completed, with what the reading and basic checks found.
#[derive(Debug)]
pub struct Books {
    pub journal: Journal,
    pub project: Option<Project>,
    pub precisions: Precisions,
    /// Problems from reading and from the basic checks, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// Directory of the ledger, when there is one.
    pub dir: Option<PathBuf>,
    /// The ledger's sealed periods (empty for a bare journal).
    pub seals: crate::audit::seal::Seals,
}

impl Books {
    /// Reads the books at `source` and runs the basic checks.
    ///
    /// # Errors
    /// When there is nothing to read (no directory, no project file, no journal).
    pub fn open(source: &Source, options: &LoadOptions) -> Result<Books, OpenError> {
        let mut diagnostics = Vec::new();
        let mut sources = crate::source::SourceMap::default();
        let (journal_path, project, dir) = match source {
            Source::Journal(path) => (path.clone(), None, None),
            Source::Ledger(dir) => {
                if !dir.is_dir() {
                    return Err(OpenError::NotADirectory(dir.clone()));
                }
                let project_path = dir.join("project.toml");
                if !project_path.is_file() {
                    return Err(OpenError::NoProject(dir.clone()));
                }
                let project = match read_project(&project_path, &mut sources) {
                    Ok(p) => Some(p),
                    Err(d) => {
                        diagnostics.extend(d);
                        None
                    }
                };
                let journal_name = project
                    .as_ref()
                    .map_or("books.journal", |p| p.journal.as_str());
                (dir.join(journal_name), project, Some(dir.clone()))
            }
        };
        if journal_path.is_dir() {
            return Err(OpenError::JournalIsADirectory(journal_path));
        }
        if !journal_path.is_file() {
            return Err(OpenError::NoJournal(journal_path));
        }
        let loaded = {
            let _t = crate::timing::stage("read");
            load_with_sources(&journal_path, options, sources)
        };
        diagnostics.extend(loaded.diagnostics);
        let mut journal = loaded.journal;
        let precisions = Precisions::new(&journal, project.as_ref());
        {
            let _t = crate::timing::stage("infer");
            diagnostics.extend(infer_elided_amounts(&mut journal, &precisions));
        }
        let seals = match &dir {
            Some(d) => crate::audit::seal::read(d).unwrap_or_else(|e| {
                diagnostics.push(Diagnostic::error(
                    crate::diag::Code::Sealed,
                    crate::source::Location::None,
                    e.to_string(),
                ));
                crate::audit::seal::Seals::default()
            }),
            None => crate::audit::seal::Seals::default(),
        };
        let mut books = Books {
            journal,
            project,
            precisions,
            diagnostics,
            dir,
            seals,
        };
        let basic = {
            let _t = crate::timing::stage("basic checks");
            check::run(check::BASIC, &books.context(false))
        };
        books.diagnostics.extend(basic);
        Ok(books)
    }

    /// The context checks run in.
    pub fn context(&self, strict: bool) -> Context<'_> {
        Context {
            journal: &self.journal,
            project: self.project.as_ref(),
            precisions: &self.precisions,
            strict,
            seals: (!self.seals.seals.is_empty()).then_some(&self.seals),
        }
    }

    /// True when reading or a basic check found an error (reports refuse to run).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The ledger directory's path or the journal's, for messages.
    pub fn name(source: &Source) -> &Path {
        match source {
            Source::Ledger(p) | Source::Journal(p) => p,
        }
    }
}
