//! Channel exports over GraphQL: the channel definitions (list, read, save, reset), a preview of
//! a channel's first items with the issues that would reject them, and the export history.

use async_graphql::{Context, Json, Object, SimpleObject};

use super::{on_blocking_pool, require};
use crate::auth::Action;
use crate::error::{Error, FieldError};
use crate::export::service::StoredChannel;
use crate::export::validate::ExportIssue;
use crate::export::{ChannelDefinition, Exports};
use crate::store::exports::RunRow;

#[derive(Default)]
pub struct ExportQuery;

#[derive(Default)]
pub struct ExportMutation;

/// An export channel: where products are published and how.
#[derive(SimpleObject)]
#[graphql(name = "ExportChannel")]
pub struct ExportChannelObj {
    code: String,
    label: String,
    /// `google_xml`, `google_tsv`, `meta_csv`, `shopify_csv`, `woocommerce_csv`, `amazon_json`,
    /// `allegro_json`, `ozon_json`, `wildberries_json`, `csv`, `json` or `ndjson`.
    format: String,
    /// The catalog channel whose values and quality rules apply.
    scope: String,
    locale: String,
    currency: String,
    /// `built_in`, `file` or `database` (edited through the API).
    origin: String,
    updated: Option<chrono::NaiveDateTime>,
    /// Where consumers pull the feed.
    feed_path: String,
    /// The whole definition, as in `schema/channel.schema.json`.
    definition: Json<serde_json::Value>,
}

impl From<StoredChannel> for ExportChannelObj {
    fn from(c: StoredChannel) -> Self {
        let d = c.definition;
        ExportChannelObj {
            feed_path: format!("/feeds/{}.{}", d.code, d.format.extension()),
            definition: Json(serde_json::to_value(&d).unwrap_or_default()),
            code: d.code,
            label: d.label,
            format: d.format.as_str().to_string(),
            scope: d.scope,
            locale: d.locale,
            currency: d.currency,
            origin: c.origin.as_str().to_string(),
            updated: c.updated,
        }
    }
}

/// Why a channel would reject a product.
#[derive(SimpleObject)]
#[graphql(name = "ExportIssue")]
pub struct ExportIssueObj {
    sku: String,
    /// The channel's field at fault; none for a quality rule.
    field: Option<String>,
    /// `required`, `max_length`, `gtin`, `pattern`, `allowed`, `image_size`, `options` or
    /// `quality:<rule>`.
    rule: String,
    message: String,
}

impl From<ExportIssue> for ExportIssueObj {
    fn from(i: ExportIssue) -> Self {
        ExportIssueObj {
            sku: i.sku,
            field: i.field,
            rule: i.rule,
            message: i.message,
        }
    }
}

#[derive(SimpleObject)]
pub struct FeedField {
    name: String,
    value: Json<serde_json::Value>,
}

#[derive(SimpleObject)]
pub struct PreviewItem {
    sku: String,
    /// The variant group (root product model), if any.
    group: Option<String>,
    /// False when an issue would keep the product out of the feed.
    accepted: bool,
    fields: Vec<FeedField>,
    issues: Vec<ExportIssueObj>,
}

#[derive(SimpleObject)]
pub struct ExportPreview {
    items: Vec<PreviewItem>,
    /// The feed the accepted items make, in the channel's format.
    rendered: String,
}

/// One export run.
#[derive(SimpleObject)]
#[graphql(name = "ExportRun")]
pub struct ExportRunObj {
    id: i64,
    channel: String,
    format: String,
    /// The cursor a delta started after; none for a full export.
    since: Option<i64>,
    /// The change-log position the run covered up to: the next delta's `since`.
    cursor: i64,
    exported: i64,
    rejected: i64,
    deleted: i64,
    /// The first issues of rejected products.
    issues: Vec<ExportIssueObj>,
    actor: String,
    /// `http`, a file path, or `scheduled:<dir>`.
    destination: String,
    error: Option<String>,
    started: chrono::NaiveDateTime,
    finished: chrono::NaiveDateTime,
}

#[derive(serde::Deserialize)]
struct StoredIssue {
    sku: String,
    field: Option<String>,
    rule: String,
    message: String,
}

impl From<RunRow> for ExportRunObj {
    fn from(r: RunRow) -> Self {
        let issues: Vec<StoredIssue> = serde_json::from_str(&r.issues).unwrap_or_default();
        ExportRunObj {
            id: r.id,
            channel: r.channel,
            format: r.format,
            since: r.since_seq,
            cursor: r.until_seq,
            exported: r.exported,
            rejected: r.rejected,
            deleted: r.deleted,
            issues: issues
                .into_iter()
                .map(|i| ExportIssueObj {
                    sku: i.sku,
                    field: i.field,
                    rule: i.rule,
                    message: i.message,
                })
                .collect(),
            actor: r.actor,
            destination: r.destination,
            error: r.error,
            started: r.started,
            finished: r.finished,
        }
    }
}

async fn exports<T: Send + 'static>(
    ctx: &Context<'_>,
    f: impl FnOnce(&Exports) -> Result<T, Error> + Send + 'static,
) -> async_graphql::Result<T> {
    on_blocking_pool::<Exports, T>(ctx, f).await
}

#[Object]
impl ExportQuery {
    /// Every export channel in force.
    async fn export_channels(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ExportChannelObj>> {
        require(ctx, Action::ManageExports)?;
        let all = exports(ctx, |e| e.list()).await?;
        Ok(all.into_iter().map(Into::into).collect())
    }

    async fn export_channel(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<Option<ExportChannelObj>> {
        require(ctx, Action::ManageExports)?;
        let all = exports(ctx, |e| e.list()).await?;
        Ok(all
            .into_iter()
            .find(|c| c.definition.code == code)
            .map(Into::into))
    }

    /// The channel's first `first` selected products as it would render them, each with the
    /// issues that would reject it, and the feed made of those accepted.
    async fn export_preview(
        &self,
        ctx: &Context<'_>,
        channel: String,
        #[graphql(default = 10)] first: i32,
    ) -> async_graphql::Result<ExportPreview> {
        require(ctx, Action::ManageExports)?;
        let first = first.clamp(1, 500) as usize;
        let (def, (items, rendered)) = exports(ctx, move |e| {
            let def = e.get(&channel)?.definition;
            let preview = crate::export::run::preview(e.catalog(), &def, first)?;
            Ok((def, preview))
        })
        .await?;
        let items = items
            .into_iter()
            .map(|p| PreviewItem {
                fields: def
                    .fields
                    .iter()
                    .zip(&p.item.values)
                    .map(|(f, v)| FeedField {
                        name: f.name.clone(),
                        value: Json(v.clone()),
                    })
                    .collect(),
                sku: p.item.sku,
                group: p.item.group,
                accepted: p.accepted,
                issues: p.issues.into_iter().map(Into::into).collect(),
            })
            .collect();
        Ok(ExportPreview { items, rendered })
    }

    /// Export runs, newest first, of one channel or all.
    async fn export_runs(
        &self,
        ctx: &Context<'_>,
        channel: Option<String>,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<ExportRunObj>> {
        require(ctx, Action::ManageExports)?;
        let limit = i64::from(first.clamp(1, 500));
        let rows = exports(ctx, move |e| e.runs(channel.as_deref(), limit)).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

#[Object]
impl ExportMutation {
    /// Creates or replaces a channel from its definition (see `schema/channel.schema.json`);
    /// it overrides a file of the same code until reset.
    async fn save_export_channel(
        &self,
        ctx: &Context<'_>,
        definition: Json<serde_json::Value>,
    ) -> async_graphql::Result<ExportChannelObj> {
        require(ctx, Action::ManageExports)?;
        let def: ChannelDefinition = serde_json::from_value(definition.0).map_err(|e| {
            super::to_graphql(Error::field(FieldError::invalid(
                "definition",
                format!("invalid channel definition: {e}"),
            )))
        })?;
        let saved = exports(ctx, move |e| e.save(def)).await?;
        Ok(saved.into())
    }

    /// Drops a channel's edited definition; the file's applies again. False when there was none.
    async fn reset_export_channel(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<bool> {
        require(ctx, Action::ManageExports)?;
        exports(ctx, move |e| e.reset(&code)).await
    }
}
