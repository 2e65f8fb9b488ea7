//! Sorted pages with keyset cursors: a cursor holds the last hit's sort key and product id, and
//! the next page collects only hits after it. Paging costs the same on page 1 and page 10,000,
//! so every result can be walked. Ties are broken by product id; hits without a value for the
//! sort key come last in either direction.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::{ID, UPDATED};

/// What hits are ordered by.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Score,
    /// The product id: creation order.
    Id,
    Updated,
    /// An f64 fast-field column (`num.<attribute>`).
    Number(String),
    /// A string fast-field column (`sku`, `label.<locale>`).
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortSpec {
    pub key: SortKey,
    pub descending: bool,
}

impl SortSpec {
    /// Names the order a cursor belongs to, so a cursor of one sort is refused by another.
    fn signature(&self) -> String {
        let key = match &self.key {
            SortKey::Score => "score".to_string(),
            SortKey::Id => "id".to_string(),
            SortKey::Updated => "updated".to_string(),
            SortKey::Number(c) | SortKey::Text(c) => c.clone(),
        };
        format!("{key}:{}", if self.descending { "desc" } else { "asc" })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyValue {
    Number(f64),
    Text(String),
}

#[derive(Serialize, Deserialize)]
struct CursorData {
    s: String,
    k: Option<KeyValue>,
    id: u64,
}

/// Where a page starts: after the hit with this key and id.
#[derive(Debug, Clone, PartialEq)]
pub struct After {
    pub key: Option<KeyValue>,
    pub id: u64,
}

pub fn encode_cursor(spec: &SortSpec, key: &Option<KeyValue>, id: u64) -> String {
    let data = CursorData {
        s: spec.signature(),
        k: key.clone(),
        id,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&data).expect("cursors serialize"))
}

/// The position a cursor names, or why it cannot be used with this sort.
pub fn decode_cursor(spec: &SortSpec, cursor: &str) -> Result<After, String> {
    let data: CursorData = URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| format!("invalid cursor {cursor:?}"))?;
    if data.s != spec.signature() {
        return Err(format!(
            "cursor {cursor:?} belongs to another sort order; start again without `after`"
        ));
    }
    let key_fits = match (&spec.key, &data.k) {
        (_, None) => true,
        (SortKey::Text(_), Some(KeyValue::Text(_))) => true,
        (SortKey::Text(_), _) | (_, Some(KeyValue::Text(_))) => false,
        _ => true,
    };
    if !key_fits {
        return Err(format!("invalid cursor {cursor:?}"));
    }
    Ok(After {
        key: data.k,
        id: data.id,
    })
}

/// One hit of a page.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub id: u64,
    pub score: Score,
    pub key: Option<KeyValue>,
}

/// The best `limit` hits after `after` (`limit + 1` are kept to tell whether more follow).
pub struct SortedTop {
    pub spec: SortSpec,
    pub after: Option<After>,
    pub limit: usize,
}

/// A hit's rank within one segment: smaller is better. `k` is the sort value turned so that
/// ascending order is the wanted order (string keys are the segment's term ordinals).
#[derive(Debug, Clone, Copy)]
struct Rank {
    missing: bool,
    k: f64,
    id: u64,
}

impl Rank {
    fn cmp(&self, other: &Rank) -> Ordering {
        self.missing
            .cmp(&other.missing)
            .then(self.k.total_cmp(&other.k))
            .then(self.id.cmp(&other.id))
    }
}

struct Entry {
    rank: Rank,
    score: Score,
    raw: f64,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.rank.cmp(&other.rank) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank.cmp(&other.rank)
    }
}

enum Values {
    Score,
    U64(Column<u64>),
    I64(Column<i64>),
    F64(Option<Column<f64>>),
    Ord(Option<StrColumn>),
}

pub struct SegmentTop {
    ids: Column<u64>,
    values: Values,
    descending: bool,
    bound: Option<Rank>,
    heap: BinaryHeap<Entry>,
    capacity: usize,
}

fn turn(value: f64, descending: bool) -> f64 {
    if descending { -value } else { value }
}

impl SegmentTop {
    /// The value a document sorts by, raw, if it has one.
    fn raw(&self, doc: DocId, score: Score) -> Option<f64> {
        match &self.values {
            Values::Score => Some(f64::from(score)),
            Values::U64(c) => c.first(doc).map(|v| v as f64),
            Values::I64(c) => c.first(doc).map(|v| v as f64),
            Values::F64(c) => c.as_ref()?.first(doc),
            Values::Ord(c) => c.as_ref()?.ords().first(doc).map(|o| o as f64),
        }
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let id = self.ids.first(doc).unwrap_or_default();
        let raw = self.raw(doc, score);
        let rank = Rank {
            missing: raw.is_none(),
            k: raw.map_or(0.0, |v| turn(v, self.descending)),
            id,
        };
        if let Some(bound) = &self.bound {
            if rank.cmp(bound) != Ordering::Greater {
                return;
            }
        }
        if self.heap.len() >= self.capacity {
            match self.heap.peek() {
                Some(worst) if rank.cmp(&worst.rank) == Ordering::Less => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        self.heap.push(Entry {
            rank,
            score,
            raw: raw.unwrap_or_default(),
        });
    }

    fn harvest(self) -> Vec<Ranked> {
        let mut text = String::new();
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|e| {
                let key = if e.rank.missing {
                    None
                } else {
                    match &self.values {
                        Values::Ord(Some(c)) => {
                            text.clear();
                            c.ord_to_str(e.raw as u64, &mut text)
                                .ok()
                                .filter(|found| *found)
                                .map(|_| KeyValue::Text(text.clone()))
                        }
                        _ => Some(KeyValue::Number(e.raw)),
                    }
                };
                Ranked {
                    id: e.rank.id,
                    score: e.score,
                    key,
                }
            })
            .collect()
    }
}

impl Collector for SortedTop {
    type Fruit = Vec<Ranked>;
    type Child = SegmentTop;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTop> {
        let fast = reader.fast_fields();
        let values = match &self.spec.key {
            SortKey::Score => Values::Score,
            SortKey::Id => Values::U64(fast.u64(ID)?),
            SortKey::Updated => Values::I64(fast.i64(UPDATED)?),
            SortKey::Number(c) => Values::F64(fast.column_opt::<f64>(c)?),
            SortKey::Text(c) => Values::Ord(fast.str(c)?),
        };
        let descending = self.spec.descending || self.spec.key == SortKey::Score;
        let bound = match &self.after {
            None => None,
            Some(after) => Some(segment_bound(&values, after, descending)?),
        };
        Ok(SegmentTop {
            ids: fast.u64(ID)?,
            values,
            descending,
            bound,
            heap: BinaryHeap::with_capacity(self.limit + 1),
            capacity: self.limit + 1,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.spec.key == SortKey::Score
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Ranked>>) -> tantivy::Result<Vec<Ranked>> {
        let descending = self.spec.descending || self.spec.key == SortKey::Score;
        let mut all: Vec<Ranked> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| compare(a, b, descending));
        all.truncate(self.limit + 1);
        Ok(all)
    }
}

/// The order of hits from different segments, by their actual key values.
fn compare(a: &Ranked, b: &Ranked, descending: bool) -> Ordering {
    let by_key = match (&a.key, &b.key) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            let o = match (x, y) {
                (KeyValue::Number(x), KeyValue::Number(y)) => x.total_cmp(y),
                (KeyValue::Text(x), KeyValue::Text(y)) => x.cmp(y),
                (KeyValue::Number(_), KeyValue::Text(_)) => Ordering::Less,
                (KeyValue::Text(_), KeyValue::Number(_)) => Ordering::Greater,
            };
            if descending { o.reverse() } else { o }
        }
    };
    by_key.then(a.id.cmp(&b.id))
}

/// The cursor as a rank of this segment. A string key becomes a position between the
/// segment's term ordinals: on the ordinal of an equal term (then the id decides), or half-way
/// before the first greater one.
fn segment_bound(values: &Values, after: &After, descending: bool) -> tantivy::Result<Rank> {
    let Some(key) = &after.key else {
        return Ok(Rank {
            missing: true,
            k: 0.0,
            id: after.id,
        });
    };
    let k = match (values, key) {
        (Values::Ord(column), KeyValue::Text(s)) => {
            let (ord, exact) = match column {
                Some(c) => {
                    let dictionary = c.dictionary();
                    let mut stream = dictionary.range().ge(s.as_bytes()).into_stream()?;
                    if stream.advance() {
                        (stream.term_ord() as f64, stream.key() == s.as_bytes())
                    } else {
                        (dictionary.num_terms() as f64, false)
                    }
                }
                None => (0.0, false),
            };
            match (exact, descending) {
                (true, d) => turn(ord, d),
                (false, false) => ord - 0.5,
                (false, true) => -ord + 0.5,
            }
        }
        (_, KeyValue::Number(v)) => turn(*v, descending),
        (_, KeyValue::Text(_)) => 0.0,
    };
    Ok(Rank {
        missing: false,
        k,
        id: after.id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_belong_to_their_sort() {
        let by_sku = SortSpec {
            key: SortKey::Text("sku".into()),
            descending: false,
        };
        let cursor = encode_cursor(&by_sku, &Some(KeyValue::Text("gen-1".into())), 7);
        assert_eq!(
            decode_cursor(&by_sku, &cursor).unwrap(),
            After {
                key: Some(KeyValue::Text("gen-1".into())),
                id: 7
            }
        );
        let by_score = SortSpec {
            key: SortKey::Score,
            descending: true,
        };
        assert!(
            decode_cursor(&by_score, &cursor)
                .unwrap_err()
                .contains("another sort")
        );
        assert!(decode_cursor(&by_sku, "not a cursor").is_err());
    }
}
