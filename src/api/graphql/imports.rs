//! Supplier imports over GraphQL: suppliers, their versioned mapping profiles, suggested
//! profiles from an uploaded file, feeds uploaded and run in the background (dry run or
//! commit), their progress (polling or the `importProgress` subscription) and row outcomes.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{
    Context, Enum, ID, InputObject, Json, Object, SimpleObject, Subscription, Upload,
};
use futures_util::Stream;

use super::access::caller;
use super::{on_blocking_pool, origin, require, to_graphql};
use crate::auth::{Action, Role};
use crate::error::{Error, FieldError};
use crate::import::importer::{self, Contact, Importer, ProfileChoice};
use crate::import::mapping::CellError;
use crate::import::profile::Profile;
use crate::import::suggest;
use crate::store::imports::{ImportRow, RowOutcome};
use crate::store::suppliers::{ProfileRow, SupplierRow};

async fn importing<T: Send + 'static>(
    ctx: &Context<'_>,
    f: impl FnOnce(&Importer) -> Result<T, Error> + Send + 'static,
) -> async_graphql::Result<T> {
    on_blocking_pool::<Importer, T>(ctx, f).await
}

/// May the caller read this run? Its supplier's readers may; runs without a supplier (catalog
/// migrations) are for those who manage suppliers.
fn require_read(ctx: &Context<'_>, row: &ImportRow) -> async_graphql::Result<()> {
    match row.supplier.as_deref() {
        Some(s) => require(ctx, Action::ReadImports { supplier: s }).map(|_| ()),
        None => require(ctx, Action::ManageSuppliers).map(|_| ()),
    }
}

#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "ContactInput", name = "Contact")]
pub struct ContactObj {
    name: String,
    email: Option<String>,
    phone: Option<String>,
}

pub struct SupplierObj(SupplierRow);

#[Object(name = "Supplier")]
impl SupplierObj {
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn contacts(&self) -> Vec<ContactObj> {
        let list: Vec<Contact> = serde_json::from_str(&self.0.contacts).unwrap_or_default();
        list.into_iter()
            .map(|c| ContactObj {
                name: c.name,
                email: c.email,
                phone: c.phone,
            })
            .collect()
    }
    /// The latest version of each of the supplier's mapping profiles.
    async fn profiles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ImportProfileObj>> {
        let code = self.0.code.clone();
        let rows = importing(ctx, move |i| i.profiles(&code)).await?;
        Ok(rows.into_iter().map(ImportProfileObj).collect())
    }
    /// The supplier's runs, newest first.
    async fn imports(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<ImportObj>> {
        let code = self.0.code.clone();
        let limit = i64::from(first.clamp(1, 200));
        let rows = importing(ctx, move |i| i.imports(Some(&code), limit)).await?;
        Ok(rows.into_iter().map(ImportObj).collect())
    }
    /// Products that came in this supplier's feeds.
    async fn product_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let code = self.0.code.clone();
        importing(ctx, move |i| i.product_count(&code)).await
    }
    async fn created(&self) -> chrono::NaiveDateTime {
        self.0.created
    }
    async fn updated(&self) -> chrono::NaiveDateTime {
        self.0.updated
    }
}

pub struct ImportProfileObj(ProfileRow);

#[Object(name = "ImportProfile")]
impl ImportProfileObj {
    async fn supplier(&self) -> &str {
        &self.0.supplier
    }
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn version(&self) -> i64 {
        self.0.version
    }
    /// The profile document (format: `schema/import-profile.schema.json`).
    async fn profile(&self) -> async_graphql::Result<Json<serde_json::Value>> {
        Ok(Json(serde_json::from_str(&self.0.body)?))
    }
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    async fn created(&self) -> chrono::NaiveDateTime {
        self.0.created
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "ImportState", rename_items = "SCREAMING_SNAKE_CASE")]
pub enum GqlImportState {
    Queued,
    Running,
    Finished,
    Failed,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "ImportRowStatus", rename_items = "SCREAMING_SNAKE_CASE")]
pub enum GqlRowStatus {
    Created,
    Updated,
    Unchanged,
    Rejected,
}

impl GqlRowStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
            Self::Rejected => "rejected",
        }
    }
}

#[derive(SimpleObject)]
#[graphql(name = "ImportProgress")]
pub struct ProgressObj {
    /// Share of the file read, 0 to 1.
    fraction: f64,
    rows_per_second: f64,
    eta_seconds: Option<f64>,
}

#[derive(SimpleObject)]
#[graphql(name = "ImportCounts")]
pub struct CountsObj {
    read: i64,
    created: i64,
    updated: i64,
    unchanged: i64,
    rejected: i64,
}

#[derive(SimpleObject)]
#[graphql(name = "CellError")]
pub struct CellErrorObj {
    /// The column (or profile source) the problem is in; empty for whole-row problems.
    column: String,
    value: String,
    reason: String,
}

impl From<CellError> for CellErrorObj {
    fn from(e: CellError) -> Self {
        CellErrorObj {
            column: e.column,
            value: e.value,
            reason: e.reason,
        }
    }
}

pub struct ImportRowObj(RowOutcome);

#[Object(name = "ImportRowOutcome")]
impl ImportRowObj {
    /// The row's line in the file (rows with quoted newlines span several).
    async fn line(&self) -> i64 {
        self.0.line
    }
    async fn sku(&self) -> &str {
        &self.0.sku
    }
    async fn status(&self) -> &str {
        &self.0.status
    }
    async fn errors(&self) -> async_graphql::Result<Vec<CellErrorObj>> {
        let errors: Vec<CellError> = serde_json::from_str(&self.0.errors)?;
        Ok(errors.into_iter().map(Into::into).collect())
    }
    /// For dry runs: the field-level changes the row would make (`field`, `scope`, `locale`,
    /// `before`, `after`).
    async fn changes(&self) -> async_graphql::Result<Json<serde_json::Value>> {
        Ok(Json(serde_json::from_str(&self.0.changes)?))
    }
}

pub struct ImportObj(ImportRow);

#[Object(name = "Import")]
impl ImportObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn supplier(&self) -> Option<&str> {
        self.0.supplier.as_deref()
    }
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }
    /// SHA-256 of the file as received.
    async fn file_hash(&self) -> &str {
        &self.0.file_hash
    }
    async fn file_bytes(&self) -> i64 {
        self.0.file_bytes
    }
    async fn profile_code(&self) -> Option<&str> {
        self.0.profile_code.as_deref()
    }
    async fn profile_version(&self) -> Option<i64> {
        self.0.profile_version
    }
    async fn dry_run(&self) -> bool {
        self.0.dry_run
    }
    async fn state(&self) -> GqlImportState {
        match self.0.state.as_str() {
            "queued" => GqlImportState::Queued,
            "running" => GqlImportState::Running,
            "finished" => GqlImportState::Finished,
            _ => GqlImportState::Failed,
        }
    }
    async fn counts(&self) -> CountsObj {
        CountsObj {
            read: self.0.rows_read,
            created: self.0.rows_created,
            updated: self.0.rows_updated,
            unchanged: self.0.rows_unchanged,
            rejected: self.0.rows_rejected,
        }
    }
    async fn progress(&self) -> ProgressObj {
        let p = importer::progress(&self.0);
        ProgressObj {
            fraction: p.fraction,
            rows_per_second: p.rows_per_second,
            eta_seconds: p.eta_seconds,
        }
    }
    /// What was found out about the file: encoding (and how it was decided), delimiter,
    /// decimal comma, header, unused columns, notes.
    async fn facts(&self) -> async_graphql::Result<Json<serde_json::Value>> {
        Ok(Json(serde_json::from_str(&self.0.facts)?))
    }
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    async fn queued_at(&self) -> chrono::NaiveDateTime {
        self.0.queued_at
    }
    async fn started_at(&self) -> Option<chrono::NaiveDateTime> {
        self.0.started_at
    }
    async fn finished_at(&self) -> Option<chrono::NaiveDateTime> {
        self.0.finished_at
    }
    /// Where the rejected rows download as CSV (the original rows plus an error column).
    async fn rejected_rows_url(&self) -> Option<String> {
        (self.0.rows_rejected > 0).then(|| format!("/api/imports/{}/rejected.csv", self.0.id))
    }
    /// Kept row outcomes in line order: every rejected row and, for dry runs, every row with
    /// its status and changes (the first 100,000).
    async fn rows(
        &self,
        ctx: &Context<'_>,
        status: Option<GqlRowStatus>,
        #[graphql(default = 0)] after_line: i64,
        #[graphql(default = 100)] first: i32,
    ) -> async_graphql::Result<Vec<ImportRowObj>> {
        let id = self.0.id;
        let limit = i64::from(first.clamp(1, 1000));
        let rows = importing(ctx, move |i| {
            i.rows(id, status.map(GqlRowStatus::as_str), after_line, limit)
        })
        .await?;
        Ok(rows.into_iter().map(ImportRowObj).collect())
    }
}

#[derive(SimpleObject)]
#[graphql(name = "SuggestedProfile")]
pub struct SuggestedObj {
    profile: Json<serde_json::Value>,
    encoding: String,
    delimiter: String,
    decimal_comma: bool,
    header: Vec<String>,
    notes: Vec<String>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "ImportFormat", rename_items = "SCREAMING_SNAKE_CASE")]
pub enum GqlFormat {
    /// Read by a mapping profile.
    Csv,
    /// Akeneo's flat CSV: the profile is derived from the header.
    Akeneo,
}

#[derive(InputObject)]
pub struct SupplierInput {
    code: String,
    name: String,
    #[graphql(default)]
    contacts: Vec<ContactObj>,
}

#[derive(InputObject)]
pub struct ImportFeedInput {
    supplier: String,
    /// A stored profile of the supplier; the latest version unless `profileVersion` is given.
    profile: Option<String>,
    profile_version: Option<i64>,
    /// A profile document given inline instead of a stored one.
    profile_document: Option<Json<serde_json::Value>>,
    #[graphql(default_with = "GqlFormat::Csv")]
    format: GqlFormat,
    /// Check every row and show what would change; write nothing.
    #[graphql(default)]
    dry_run: bool,
    /// Overrides the detected encoding (`windows-1250`, `koi8-r`, `gbk`, …).
    encoding: Option<String>,
}

#[derive(Default)]
pub struct ImportQuery;

#[Object]
impl ImportQuery {
    /// Suppliers the caller may see: all for catalog managers, their own for a supplier.
    async fn suppliers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SupplierObj>> {
        let own = match caller(ctx) {
            Some(p) if p.role == Role::Supplier => p.grants.supplier.clone(),
            _ => {
                require(ctx, Action::ManageSuppliers)?;
                None
            }
        };
        if own.is_none() && caller(ctx).is_some_and(|p| p.role == Role::Supplier) {
            return Ok(Vec::new());
        }
        let rows = importing(ctx, |i| i.suppliers()).await?;
        Ok(rows
            .into_iter()
            .filter(|s| own.as_ref().is_none_or(|o| *o == s.code))
            .map(SupplierObj)
            .collect())
    }

    async fn supplier(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<Option<SupplierObj>> {
        require(ctx, Action::ReadImports { supplier: &code })?;
        Ok(importing(ctx, move |i| i.supplier(&code))
            .await?
            .map(SupplierObj))
    }

    /// One version of a supplier's profile (the latest when `version` is left out), or every
    /// version with `importProfileVersions`.
    async fn import_profile(
        &self,
        ctx: &Context<'_>,
        supplier: String,
        code: String,
        version: Option<i64>,
    ) -> async_graphql::Result<ImportProfileObj> {
        require(
            ctx,
            Action::ReadImports {
                supplier: &supplier,
            },
        )?;
        Ok(ImportProfileObj(
            importing(ctx, move |i| i.profile(&supplier, &code, version)).await?,
        ))
    }

    async fn import_profile_versions(
        &self,
        ctx: &Context<'_>,
        supplier: String,
        code: String,
    ) -> async_graphql::Result<Vec<ImportProfileObj>> {
        require(
            ctx,
            Action::ReadImports {
                supplier: &supplier,
            },
        )?;
        let rows = importing(ctx, move |i| i.profile_versions(&supplier, &code)).await?;
        Ok(rows.into_iter().map(ImportProfileObj).collect())
    }

    /// Runs newest first: of one supplier, or of all for those who manage suppliers.
    async fn imports(
        &self,
        ctx: &Context<'_>,
        supplier: Option<String>,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<ImportObj>> {
        match &supplier {
            Some(s) => require(ctx, Action::ReadImports { supplier: s })?,
            None => require(ctx, Action::ManageSuppliers)?,
        };
        let limit = i64::from(first.clamp(1, 200));
        let rows = importing(ctx, move |i| i.imports(supplier.as_deref(), limit)).await?;
        Ok(rows.into_iter().map(ImportObj).collect())
    }

    #[graphql(name = "import")]
    async fn import_run(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ImportObj> {
        let row = load(ctx, &id).await?;
        require_read(ctx, &row)?;
        Ok(ImportObj(row))
    }
}

async fn load(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<ImportRow> {
    let id: i64 = id
        .parse()
        .map_err(|_| to_graphql(Error::field(FieldError::invalid("id", "not an import id"))))?;
    importing(ctx, move |i| i.import(id)).await
}

#[derive(Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    async fn save_supplier(
        &self,
        ctx: &Context<'_>,
        input: SupplierInput,
    ) -> async_graphql::Result<SupplierObj> {
        require(ctx, Action::ManageSuppliers)?;
        let contacts: Vec<Contact> = input
            .contacts
            .into_iter()
            .map(|c| Contact {
                name: c.name,
                email: c.email,
                phone: c.phone,
            })
            .collect();
        let row = importing(ctx, move |i| {
            i.save_supplier(&input.code, &input.name, &contacts)
        })
        .await?;
        Ok(SupplierObj(row))
    }

    /// Stores a profile as the supplier's next version (unchanged documents keep their version);
    /// it is checked against the catalog structure first.
    async fn save_import_profile(
        &self,
        ctx: &Context<'_>,
        supplier: String,
        code: String,
        profile: Json<serde_json::Value>,
    ) -> async_graphql::Result<ImportProfileObj> {
        let actor = require(
            ctx,
            Action::RunImport {
                supplier: &supplier,
            },
        )?
        .actor();
        let profile: Profile = serde_json::from_value(profile.0)
            .map_err(|e| to_graphql(Error::field(FieldError::invalid("profile", e.to_string()))))?;
        let row = importing(ctx, move |i| {
            i.save_profile(&supplier, &code, &profile, &actor)
        })
        .await?;
        Ok(ImportProfileObj(row))
    }

    /// A profile suggested for an uploaded file from its header and first rows.
    async fn suggest_import_profile(
        &self,
        ctx: &Context<'_>,
        supplier: String,
        file: Upload,
        encoding: Option<String>,
    ) -> async_graphql::Result<SuggestedObj> {
        require(
            ctx,
            Action::RunImport {
                supplier: &supplier,
            },
        )?;
        let origin = origin(ctx);
        let upload = file.value(ctx)?;
        let name = upload.filename.clone();
        let suggested = importing(ctx, move |i| {
            let received = i.receive(&name, upload.into_read(), &origin)?;
            suggest::for_file(i.catalog(), &received.csv, encoding.as_deref())
        })
        .await?;
        Ok(SuggestedObj {
            profile: Json(serde_json::to_value(&suggested.profile)?),
            encoding: suggested.facts.encoding.name().to_string(),
            delimiter: crate::import::sniff::delimiter_name(suggested.facts.delimiter).to_string(),
            decimal_comma: suggested.facts.decimal_comma,
            header: suggested.facts.header,
            notes: suggested.notes,
        })
    }

    /// Receives a feed (CSV, or a ZIP with a CSV and its images) and starts the import in the
    /// background; follow it with `import(id)` or the `importProgress` subscription.
    async fn import_feed(
        &self,
        ctx: &Context<'_>,
        input: ImportFeedInput,
        file: Upload,
    ) -> async_graphql::Result<ImportObj> {
        let principal = require(
            ctx,
            Action::RunImport {
                supplier: &input.supplier,
            },
        )?;
        let actor = principal.actor();
        let origin = origin(ctx);
        let choice = match (input.format, input.profile, input.profile_document) {
            (GqlFormat::Akeneo, _, _) => ProfileChoice::Akeneo,
            (_, Some(code), None) => ProfileChoice::Stored {
                code,
                version: input.profile_version,
            },
            (_, None, Some(doc)) => {
                ProfileChoice::Inline(Box::new(serde_json::from_value(doc.0).map_err(|e| {
                    to_graphql(Error::field(FieldError::invalid(
                        "input.profileDocument",
                        e.to_string(),
                    )))
                })?))
            }
            _ => {
                return Err(to_graphql(Error::field(FieldError::invalid(
                    "input.profile",
                    "give a stored profile or a profile document (or format AKENEO)",
                ))));
            }
        };
        let upload = file.value(ctx)?;
        let name = upload.filename.clone();
        let supplier = input.supplier;
        let (dry_run, encoding) = (input.dry_run, input.encoding);
        let importer = ctx.data_unchecked::<Arc<Importer>>().clone();
        let row = importing(ctx, move |i| {
            let received = i.receive(&name, upload.into_read(), &origin)?;
            let id = i.queue(Some(&supplier), received, choice, encoding, dry_run, &actor)?;
            importer.spawn(id, origin);
            i.import(id)
        })
        .await?;
        Ok(ImportObj(row))
    }

    /// Runs the same file with the same profile again as a new run: to commit what a dry run
    /// showed, or to complete a run that was interrupted (rows already stored are unchanged).
    async fn rerun_import(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default)] dry_run: bool,
    ) -> async_graphql::Result<ImportObj> {
        let row = load(ctx, &id).await?;
        let actor = match row.supplier.as_deref() {
            Some(s) => require(ctx, Action::RunImport { supplier: s })?,
            None => require(ctx, Action::ManageSuppliers)?,
        }
        .actor();
        let origin = origin(ctx);
        let importer = ctx.data_unchecked::<Arc<Importer>>().clone();
        let row = importing(ctx, move |i| {
            let new = i.rerun(row.id, dry_run, &actor)?;
            importer.spawn(new, origin);
            i.import(new)
        })
        .await?;
        Ok(ImportObj(row))
    }
}

#[derive(Default)]
pub struct ImportSubscription;

/// How often a subscription looks at a run's progress.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(500);

#[Subscription]
impl ImportSubscription {
    /// The run now and every half second while it changes, ending once it has finished or
    /// failed.
    async fn import_progress(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<impl Stream<Item = ImportObj>> {
        let first = load(ctx, &id).await?;
        require_read(ctx, &first)?;
        let importer = ctx.data_unchecked::<Arc<Importer>>().clone();
        Ok(async_stream_of(importer, first))
    }
}

fn async_stream_of(importer: Arc<Importer>, first: ImportRow) -> impl Stream<Item = ImportObj> {
    futures_util::stream::unfold(Some((importer, first, true)), |state| async move {
        let (importer, last, first) = state?;
        if first {
            return Some((ImportObj(last.clone()), Some((importer, last, false))));
        }
        if matches!(last.state.as_str(), "finished" | "failed") {
            return None;
        }
        loop {
            tokio::time::sleep(PROGRESS_INTERVAL).await;
            let id = last.id;
            let i = importer.clone();
            let now = actix_web::rt::task::spawn_blocking(move || i.import(id))
                .await
                .ok()?
                .ok()?;
            if now != last {
                return Some((ImportObj(now.clone()), Some((importer, now, false))));
            }
        }
    })
}
