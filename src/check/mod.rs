//! Checks: each one named, each reporting every problem it finds, none changing the
//! books. `BASIC` checks guard every report (like hledger's); `check` runs them all.
//!
//! Keep the order of `BASIC` and `FULL` in sync with README.md ("Checks").

mod assertions;
mod balanced;
mod declared;
mod funds;
mod precision;
mod sealed;
mod tags;

use crate::diag::{Code, Diagnostic};
use crate::model::{Journal, Project};
use crate::precision::Precisions;

/// What a check looks at.
pub struct Context<'a> {
    pub journal: &'a Journal,
    pub project: Option<&'a Project>,
    pub precisions: &'a Precisions,
    /// Require declarations (accounts, commodities) even without a project file.
    pub strict: bool,
    /// The ledger's sealed periods, when it has any.
    pub seals: Option<&'a crate::audit::seal::Seals>,
}

/// A check: its name and the function that runs it.
pub struct Check {
    pub code: Code,
    pub run: fn(&Context<'_>) -> Vec<Diagnostic>,
}

/// Checks every report needs to pass (after reading and inference).
pub const BASIC: &[Check] = &[
    Check {
        code: Code::Balanced,
        run: balanced::check,
    },
    Check {
        code: Code::Precision,
        run: precision::check,
    },
    Check {
        code: Code::Assertions,
        run: assertions::check,
    },
];

/// The fund-accounting and declaration rules that `fundledger check` adds.
pub const FULL: &[Check] = &[
    Check {
        code: Code::FundBalanced,
        run: funds::check,
    },
    Check {
        code: Code::DonorTags,
        run: tags::check,
    },
    Check {
        code: Code::Accounts,
        run: declared::check,
    },
    Check {
        code: Code::Sealed,
        run: sealed::check,
    },
];

/// Runs `checks` on both cores and returns their findings, in check order.
pub fn run(checks: &[Check], context: &Context<'_>) -> Vec<Diagnostic> {
    let results: Vec<Vec<Diagnostic>> = {
        use rayon::prelude::*;
        checks.par_iter().map(|c| (c.run)(context)).collect()
    };
    results.into_iter().flatten().collect()
}
