//! Data quality over GraphQL: quality rules (save, delete, list), a product's completeness and
//! issues, and the quality report.

use std::sync::Arc;

use async_graphql::{Context, Enum, InputObject, Json, Object, SimpleObject};

use super::product_types::ProductObj;
use super::query::structure;
use super::structure_inputs::LabelInput;
use super::structure_types::{Label, labels};
use super::{blocking, origin, require, to_graphql};
use crate::auth::Action;
use crate::catalog::Structure;
use crate::catalog::structure::{Entity, EntityKind};
use crate::error::{Error, FieldError};
use crate::quality::completeness::Quality;
use crate::quality::rules::{Condition, QualityRule, RuleScope, Severity};
use crate::service::quality_report::{QualityReport, ReportFilter};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "Severity", rename_items = "SCREAMING_SNAKE_CASE")]
pub enum GqlSeverity {
    /// Blocks publishing to the channel.
    Error,
    /// Shown; blocks nothing.
    Warning,
}

impl From<Severity> for GqlSeverity {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Error => Self::Error,
            Severity::Warning => Self::Warning,
        }
    }
}

impl From<GqlSeverity> for Severity {
    fn from(s: GqlSeverity) -> Self {
        match s {
            GqlSeverity::Error => Self::Error,
            GqlSeverity::Warning => Self::Warning,
        }
    }
}

/// Where a rule applies; an empty list means all.
#[derive(InputObject, SimpleObject, Default, Clone)]
#[graphql(input_name = "RuleScopeInput", name = "RuleScope")]
pub struct RuleScopeObj {
    #[graphql(default)]
    families: Vec<String>,
    #[graphql(default)]
    categories: Vec<String>,
    #[graphql(default)]
    channels: Vec<String>,
    #[graphql(default)]
    locales: Vec<String>,
}

#[derive(InputObject)]
pub struct QualityRuleInput {
    code: String,
    #[graphql(default)]
    labels: Vec<LabelInput>,
    #[graphql(default)]
    scope: RuleScopeObj,
    /// `{"type": "max_length", "attribute": "name", "max": 150}`; the condition types are listed
    /// in `schema/quality-rule.schema.json`.
    condition: Json<serde_json::Value>,
    severity: GqlSeverity,
    /// The message shown when the rule fails, per locale.
    #[graphql(default)]
    messages: Vec<LabelInput>,
}

fn label_map(list: Vec<LabelInput>) -> crate::catalog::Labels {
    list.into_iter().map(|l| (l.locale, l.value)).collect()
}

impl TryFrom<QualityRuleInput> for QualityRule {
    type Error = Error;

    fn try_from(i: QualityRuleInput) -> Result<Self, Error> {
        let condition: Condition = serde_json::from_value(i.condition.0)
            .map_err(|e| Error::field(FieldError::invalid("input.condition", e.to_string())))?;
        Ok(QualityRule {
            code: i.code,
            labels: label_map(i.labels),
            scope: RuleScope {
                families: i.scope.families,
                categories: i.scope.categories,
                channels: i.scope.channels,
                locales: i.scope.locales,
            },
            condition,
            severity: i.severity.into(),
            messages: label_map(i.messages),
        })
    }
}

pub struct QualityRuleObj(QualityRule);

#[Object(name = "QualityRule")]
impl QualityRuleObj {
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn labels(&self) -> Vec<Label> {
        labels(&self.0.labels)
    }
    async fn scope(&self) -> RuleScopeObj {
        let s = &self.0.scope;
        RuleScopeObj {
            families: s.families.clone(),
            categories: s.categories.clone(),
            channels: s.channels.clone(),
            locales: s.locales.clone(),
        }
    }
    async fn condition(&self) -> Json<&Condition> {
        Json(&self.0.condition)
    }
    async fn severity(&self) -> GqlSeverity {
        self.0.severity.into()
    }
    async fn messages(&self) -> Vec<Label> {
        labels(&self.0.messages)
    }
    /// The message in `locale` (English, then any, when it has none).
    async fn message(&self, locale: String) -> String {
        self.0.message(&locale)
    }
}

/// Completeness of a product in one channel and locale.
#[derive(SimpleObject)]
pub struct CompletenessObj {
    channel: String,
    locale: String,
    /// Percent of required attributes with a value.
    ratio: i32,
    required: i32,
    /// Codes of the required attributes without a value.
    missing: Vec<String>,
}

/// A quality rule a product fails in one channel and locale.
#[derive(SimpleObject)]
pub struct QualityIssueObj {
    rule: String,
    channel: String,
    locale: String,
    severity: GqlSeverity,
    /// The rule's message in the issue's locale.
    message: String,
}

pub(crate) fn parse_quality(text: &str) -> Quality {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn completeness_of(
    quality: &Quality,
    channel: Option<&str>,
    locale: Option<&str>,
) -> Vec<CompletenessObj> {
    quality
        .completeness
        .iter()
        .filter(|(c, _)| channel.is_none_or(|x| x == c.as_str()))
        .flat_map(|(c, locales)| {
            locales
                .iter()
                .filter(|(l, _)| locale.is_none_or(|x| x == l.as_str()))
                .map(move |(l, v)| CompletenessObj {
                    channel: c.clone(),
                    locale: l.clone(),
                    ratio: i32::from(v.ratio),
                    required: i32::from(v.required),
                    missing: v.missing.clone(),
                })
        })
        .collect()
}

pub(crate) fn issues_of(
    s: &Structure,
    quality: &Quality,
    channel: Option<&str>,
    locale: Option<&str>,
) -> Vec<QualityIssueObj> {
    quality
        .issues
        .iter()
        .filter(|i| channel.is_none_or(|x| x == i.channel) && locale.is_none_or(|x| x == i.locale))
        .map(|i| QualityIssueObj {
            rule: i.rule.clone(),
            channel: i.channel.clone(),
            locale: i.locale.clone(),
            severity: i.severity.into(),
            message: s
                .quality_rules
                .get(&i.rule)
                .map_or_else(|| i.rule.clone(), |r| r.message(&i.locale)),
        })
        .collect()
}

/// Fields added to `Product` by this module.
impl ProductObj {
    pub(crate) fn quality(&self) -> Quality {
        parse_quality(&self.p.quality)
    }
}

#[derive(SimpleObject)]
pub struct BandCount {
    /// `0-49`, `50-79`, `80-99` or `100`.
    band: String,
    products: i64,
}

#[derive(SimpleObject)]
pub struct AttributeCount {
    attribute: String,
    products: i64,
}

#[derive(SimpleObject)]
pub struct RuleCount {
    rule: String,
    severity: GqlSeverity,
    products: i64,
}

#[derive(SimpleObject)]
pub struct QualityReportObj {
    channel: String,
    locale: String,
    products: i64,
    /// Mean completeness, percent.
    average: f64,
    bands: Vec<BandCount>,
    /// The attributes most often missing, most first.
    most_missing: Vec<AttributeCount>,
    /// Products failing each rule, most first.
    issues: Vec<RuleCount>,
}

impl From<QualityReport> for QualityReportObj {
    fn from(r: QualityReport) -> Self {
        QualityReportObj {
            channel: r.channel,
            locale: r.locale,
            products: r.products as i64,
            average: r.average,
            bands: r
                .bands
                .into_iter()
                .map(|(band, products)| BandCount {
                    band: band.to_string(),
                    products: products as i64,
                })
                .collect(),
            most_missing: r
                .most_missing
                .into_iter()
                .map(|(attribute, products)| AttributeCount {
                    attribute,
                    products: products as i64,
                })
                .collect(),
            issues: r
                .issues
                .into_iter()
                .map(|(rule, severity, products)| RuleCount {
                    rule,
                    severity: severity.into(),
                    products: products as i64,
                })
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct QualityQuery;

#[Object]
impl QualityQuery {
    async fn quality_rules(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<QualityRuleObj>> {
        require(ctx, Action::ReadCatalog)?;
        let s = structure(ctx).await?;
        Ok(s.quality_rules
            .values()
            .cloned()
            .map(QualityRuleObj)
            .collect())
    }

    /// Completeness bands, the most often missing attributes and failing rules for a channel and
    /// locale, narrowed to a family or a category (with its subtree).
    async fn quality_report(
        &self,
        ctx: &Context<'_>,
        channel: String,
        locale: String,
        family: Option<String>,
        category: Option<String>,
    ) -> async_graphql::Result<QualityReportObj> {
        require(ctx, Action::ReadCatalog)?;
        let filter = ReportFilter {
            channel,
            locale,
            family,
            category,
        };
        let report = blocking(ctx, move |c| c.quality_report(&filter)).await?;
        Ok(report.into())
    }
}

#[derive(Default)]
pub struct QualityMutation;

#[Object]
impl QualityMutation {
    /// Creates or replaces a quality rule; products are reassessed in the background.
    async fn save_quality_rule(
        &self,
        ctx: &Context<'_>,
        input: QualityRuleInput,
    ) -> async_graphql::Result<QualityRuleObj> {
        require(ctx, Action::EditStructure)?;
        let rule = QualityRule::try_from(input).map_err(to_graphql)?;
        let code = rule.code.clone();
        let origin = origin(ctx);
        let s: Arc<Structure> = blocking(ctx, move |c| {
            c.save_entities(vec![Entity::QualityRule(rule)], &origin)?;
            c.structure()
        })
        .await?;
        s.quality_rules
            .get(&code)
            .cloned()
            .map(QualityRuleObj)
            .ok_or_else(|| to_graphql(Error::Internal("saved rule is missing".into())))
    }

    async fn delete_quality_rule(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> async_graphql::Result<bool> {
        require(ctx, Action::EditStructure)?;
        let origin = origin(ctx);
        blocking(ctx, move |c| {
            c.delete_entity(EntityKind::QualityRule, &code, &origin)
        })
        .await?;
        Ok(true)
    }
}

/// A background job and its progress.
#[derive(SimpleObject)]
#[graphql(name = "Job")]
pub struct JobObj {
    id: i64,
    /// `quality_recompute`.
    kind: String,
    /// `pending`, `running`, `done` or `failed`.
    state: String,
    total: i64,
    done: i64,
    error: Option<String>,
    heartbeat: Option<chrono::NaiveDateTime>,
    created: chrono::NaiveDateTime,
    started: Option<chrono::NaiveDateTime>,
    finished: Option<chrono::NaiveDateTime>,
}

impl From<crate::store::jobs::JobRow> for JobObj {
    fn from(j: crate::store::jobs::JobRow) -> Self {
        JobObj {
            id: j.id,
            kind: j.kind,
            state: j.state,
            total: j.total,
            done: j.done,
            error: j.error,
            heartbeat: j.heartbeat,
            created: j.created,
            started: j.started,
            finished: j.finished,
        }
    }
}

#[derive(Default)]
pub struct JobQuery;

#[Object]
impl JobQuery {
    /// Recent background jobs, newest first.
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        kind: Option<String>,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<JobObj>> {
        require(ctx, Action::ReadCatalog)?;
        let limit = i64::from(first.clamp(1, 200));
        let jobs = blocking(ctx, move |c| c.jobs(kind.as_deref(), limit)).await?;
        Ok(jobs.into_iter().map(Into::into).collect())
    }
}
