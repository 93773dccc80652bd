//! Consolidation across many ledgers: totals by donor, country or donor-scheme
//! category over the posting tables of any number of projects, read from their Parquet
//! exports with polars' lazy scans.
//!
//! Each file is scanned lazily; only the five columns the totals need are read
//! (projection pushdown), the scans are concatenated and summed with a `group_by` on
//! polars' streaming engine, so memory stays bounded by the groups, not the postings.
//! Amounts stay `Decimal(38, s)` end to end (each file's scale is raised to the largest
//! one first): the totals are exact.
//!
//! Totals are per (key, account class, commodity): the same as adding up each
//! ledger's `balance --by donor --depth 1` (income, expenses, assets… per commodity).

use std::path::{Path, PathBuf};

use polars::prelude::{
    DataType, Engine, LazyFrame, NULL, PlRefPath, ScanArgsParquet, SortMultipleOptions, UnionArgs,
    col, concat, len, lit,
};
use rust_decimal::Decimal;

use super::ExportError;
use super::parquet::hive_unescape;
use super::rows::category_column;

/// What to total by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum By {
    /// The `donor` dimension.
    Donor,
    /// The project's recipient country.
    Country,
    /// The budget line's category in a donor scheme (`eu`, `undg`, …).
    Category(String),
}

impl By {
    /// The posting-table column holding the key.
    pub fn column(&self) -> String {
        match self {
            By::Donor => "donor".to_string(),
            By::Country => "country".to_string(),
            By::Category(scheme) => category_column(scheme),
        }
    }
}

/// A Parquet posting table to consolidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParquetInput {
    pub path: PathBuf,
    /// The project, when the file does not say (Hive layout: `project=CODE/…`).
    pub project: Option<String>,
}

impl ParquetInput {
    /// `path`, with the project taken from a `project=CODE` directory above it.
    pub fn at(path: &Path) -> ParquetInput {
        let project = path.ancestors().find_map(|a| {
            a.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix("project="))
                .map(hive_unescape)
        });
        ParquetInput {
            path: path.to_path_buf(),
            project,
        }
    }
}

/// One consolidated total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    /// The donor, country or category (`None`: postings without one).
    pub key: Option<String>,
    /// `asset`, `liability`, `equity`, `income`, `expense` (`None`: unclassified).
    pub account_type: Option<String>,
    pub commodity: String,
    pub amount: Decimal,
    pub postings: u64,
    /// How many projects contribute to this total.
    pub projects: u64,
}

/// The totals of a consolidation, and what they cover.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consolidation {
    /// Sorted by key, class and commodity (postings without a key last).
    pub totals: Vec<Total>,
    /// Distinct projects in the inputs.
    pub projects: u64,
    /// Postings read.
    pub postings: u64,
}

/// The totals over `inputs`.
///
/// # Errors
/// A file that is not a posting table, or a polars failure.
pub fn consolidate(inputs: &[ParquetInput], by: &By) -> Result<Consolidation, ExportError> {
    if inputs.is_empty() {
        return Ok(Consolidation::default());
    }
    let key = by.column();
    // Each file's schema (metadata only) for its amount scale and optional columns.
    let mut scans = Vec::with_capacity(inputs.len());
    let mut scale = 0usize;
    for input in inputs {
        let bad = |message: String| ExportError::BadInput {
            path: input.path.display().to_string(),
            message,
        };
        let path = input
            .path
            .to_str()
            .ok_or_else(|| bad("the path is not UTF-8".to_string()))?;
        let mut lf = LazyFrame::scan_parquet(PlRefPath::new(path), ScanArgsParquet::default())
            .map_err(|e| bad(e.to_string()))?;
        let schema = lf.collect_schema().map_err(|e| bad(e.to_string()))?;
        for needed in ["account_type", "commodity", "amount"] {
            if schema.get(needed).is_none() {
                return Err(bad(format!(
                    "no {needed} column: not a posting table written by `fundledger export --format parquet`"
                )));
            }
        }
        match schema.get("amount") {
            Some(DataType::Decimal(_, s)) => scale = scale.max(*s),
            Some(other) => {
                return Err(bad(format!(
                    "the amount column is {other}, not an exact Decimal"
                )));
            }
            None => {}
        }
        let has_key = schema.get(&key).is_some();
        let has_project = schema.get("project").is_some();
        scans.push((lf, has_key, has_project, input.project.clone()));
    }
    let decimal = DataType::Decimal(38, scale);
    let frames: Vec<LazyFrame> = scans
        .into_iter()
        .map(|(lf, has_key, has_project, project)| {
            let key_expr = if has_key {
                col(key.as_str()).cast(DataType::String)
            } else {
                lit(NULL).cast(DataType::String)
            };
            let project_expr = match (has_project, project) {
                (true, _) => col("project").cast(DataType::String),
                (false, Some(p)) => lit(p),
                (false, None) => lit(NULL).cast(DataType::String),
            };
            lf.select([
                key_expr.alias("key"),
                col("account_type").cast(DataType::String),
                col("commodity").cast(DataType::String),
                col("amount").cast(decimal.clone()),
                project_expr.alias("project"),
            ])
        })
        .collect();
    let all = concat(frames, UnionArgs::default())?;
    // (`unwrap_single` cannot fail: these plans have one sink, so one result.)
    let overall = all
        .clone()
        .select([
            col("project")
                .n_unique()
                .cast(DataType::UInt64)
                .alias("projects"),
            len().cast(DataType::UInt64).alias("postings"),
        ])
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    let projects = overall.column("projects")?.u64()?.get(0).unwrap_or(0);
    let postings = overall.column("postings")?.u64()?.get(0).unwrap_or(0);
    let grouped = all
        .group_by([col("key"), col("account_type"), col("commodity")])
        .agg([
            col("amount").sum().alias("amount"),
            len().alias("postings"),
            col("project").n_unique().alias("projects"),
        ])
        .sort(
            ["key", "account_type", "commodity"],
            SortMultipleOptions::default().with_nulls_last(true),
        );
    let df = grouped
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    let keys = df.column("key")?.str()?.clone();
    let types = df.column("account_type")?.str()?.clone();
    let commodities = df.column("commodity")?.str()?.clone();
    let amount_col = df.column("amount")?.decimal()?.clone();
    let amount_scale = amount_col.scale() as u32;
    let amounts = amount_col.physical().clone();
    let posting_counts = df.column("postings")?.cast(&DataType::UInt64)?;
    let posting_counts = posting_counts.u64()?;
    let project_counts = df.column("projects")?.cast(&DataType::UInt64)?;
    let project_counts = project_counts.u64()?;
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let Some(mantissa) = amounts.get(i) else {
            continue;
        };
        let mut amount = Decimal::try_from_i128_with_scale(mantissa, amount_scale)
            .map_err(|e| ExportError::TooLarge(format!("a total does not fit: {e}")))?;
        amount = amount.normalize();
        // Zero totals are left out, as `balance` does (e.g. assertion-only postings).
        if amount.is_zero() {
            continue;
        }
        out.push(Total {
            key: keys.get(i).map(str::to_string),
            account_type: types.get(i).map(str::to_string),
            commodity: commodities.get(i).unwrap_or("").to_string(),
            amount,
            postings: posting_counts.get(i).unwrap_or(0),
            projects: project_counts.get(i).unwrap_or(0),
        });
    }
    Ok(Consolidation {
        totals: out,
        projects,
        postings,
    })
}

/// The Parquet files under `dir` (recursively, sorted), and the ledger directories
/// (holding a `project.toml`; not searched further) found on the way.
pub fn discover(dir: &Path) -> std::io::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut files = Vec::new();
    let mut ledgers = Vec::new();
    walk(dir, 0, &mut files, &mut ledgers)?;
    files.sort();
    ledgers.sort();
    Ok((files, ledgers))
}

fn walk(
    dir: &Path,
    depth: usize,
    files: &mut Vec<PathBuf>,
    ledgers: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    if dir.join("project.toml").is_file() {
        ledgers.push(dir.to_path_buf());
        return Ok(());
    }
    if depth > 8 {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, depth + 1, files, ledgers)?;
        } else if path.extension().is_some_and(|e| e == "parquet") {
            files.push(path);
        }
    }
    Ok(())
}
