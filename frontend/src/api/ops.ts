// The GraphQL operations the UI sends, with the shapes of their answers. Settings and quality
// operations live beside their screens; every one is written with `gql`.

import { gql } from './client';

export const SIGN_IN = gql`
  mutation SignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) {
      csrfToken
      user { email name role }
    }
  }
`;

export const SIGN_OUT = gql`
  mutation SignOut { signOut }
`;

export const ME = gql`
  query Me { me { email role via csrfToken grants { locales channels } } }
`;

export interface Me {
  email: string;
  role: string;
  via: string;
  csrfToken: string | null;
  grants: { locales: string[]; channels: string[] };
}

export const STRUCTURE = gql`
  query Structure {
    locales { code label }
    currencies { code label }
    channels { code labels { locale value } locales { code } currencies { code } categoryTree { code } }
    attributeGroups { code sortOrder labels { locale value } }
    attributes {
      code type sortOrder localizable scopable unique defaultUnit
      group { code }
      labels { locale value }
      metricFamily { code units { code symbol } }
      options { code sortOrder labels { locale value } }
    }
    families {
      code labels { locale value } labelAttribute imageAttribute
      attributes { code }
      requirements { channel attributes { code } }
      variants { code }
    }
    categories { code sortOrder labels { locale value } parent { code } }
    associationTypes { code labels { locale value } }
  }
`;

export interface Label {
  locale: string;
  value: string;
}
export interface Option {
  code: string;
  sortOrder: number;
  labels: Label[];
}
export interface Attribute {
  code: string;
  type: string;
  sortOrder: number;
  localizable: boolean;
  scopable: boolean;
  unique: boolean;
  defaultUnit: string | null;
  group: { code: string } | null;
  labels: Label[];
  metricFamily: { code: string; units: { code: string; symbol: string }[] } | null;
  options: Option[];
}
export interface Family {
  code: string;
  labels: Label[];
  labelAttribute: string | null;
  imageAttribute: string | null;
  attributes: { code: string }[];
  requirements: { channel: string; attributes: { code: string }[] }[];
  variants: { code: string }[];
}
export interface Channel {
  code: string;
  labels: Label[];
  locales: { code: string }[];
  currencies: { code: string }[];
  categoryTree: { code: string } | null;
}
export interface Category {
  code: string;
  sortOrder: number;
  labels: Label[];
  parent: { code: string } | null;
}
export interface Structure {
  locales: { code: string; label: string }[];
  currencies: { code: string; label: string }[];
  channels: Channel[];
  attributeGroups: { code: string; sortOrder: number; labels: Label[] }[];
  attributes: Attribute[];
  families: Family[];
  categories: Category[];
  associationTypes: { code: string; labels: Label[] }[];
}

export const SEARCH = gql`
  query SearchProducts(
    $text: String, $locale: String, $channel: String, $filters: ProductFilterInput,
    $facets: [SearchFacetInput!], $sort: SearchSortInput, $first: Int!, $after: String,
    $columns: [String!]
  ) {
    search(text: $text, locale: $locale, channel: $channel, filters: $filters, facets: $facets,
           sort: $sort, first: $first, after: $after) {
      total
      hits {
        cursor
        highlights { attribute snippet }
        product {
          sku enabled
          label(locale: $locale)
          family { code }
          categories { code }
          completeness(channel: $channel, locale: $locale) { ratio missing }
          values(locale: $locale, channel: $channel, attributes: $columns) { attribute locale channel data }
        }
      }
      facets { kind attribute category values { value label count } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export interface Hit {
  cursor: string;
  /** HTML-escaped text with the matched words in `<b>`. */
  highlights: { attribute: string; snippet: string }[];
  product: {
    sku: string;
    enabled: boolean;
    label: string;
    family: { code: string } | null;
    categories: { code: string }[];
    completeness: { ratio: number; missing: string[] }[];
    values: { attribute: string; locale: string | null; channel: string | null; data: unknown }[];
  };
}
export interface Facet {
  kind: string;
  attribute: string | null;
  category: string | null;
  values: { value: string; label: string; count: number }[];
}
export interface SearchAnswer {
  search: {
    total: number;
    hits: Hit[];
    facets: Facet[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

export const UPSERT_PRODUCTS = gql`
  mutation MassEdit($input: [ProductInput!]!) {
    upsertProducts(input: $input) {
      created updated unchanged rejected
      items { code status errors { code field message } }
    }
  }
`;

export interface BatchAnswer {
  upsertProducts: {
    created: number;
    updated: number;
    unchanged: number;
    rejected: number;
    items: { code: string; status: string; errors: { code: string; field: string; message: string }[] }[];
  };
}

export const PRODUCT = gql`
  query Product($sku: String!, $locale: String!, $channel: String!) {
    product(sku: $sku) {
      sku enabled version updated
      label(locale: $locale)
      family { code }
      parent { code parent { code } products { sku label(locale: $locale) enabled } }
      categories { code }
      allCategories { code }
      associations { type skus }
      values(locale: $locale, channel: $channel) { attribute locale channel data inherited inheritedFrom }
      completeness { channel locale ratio required missing }
      qualityIssues { rule channel locale severity message }
    }
  }
`;

export interface Value {
  attribute: string;
  locale: string | null;
  channel: string | null;
  data: unknown;
  inherited?: boolean;
  inheritedFrom?: string | null;
}
export interface Product {
  sku: string;
  enabled: boolean;
  version: number;
  updated: string;
  label: string;
  family: { code: string } | null;
  parent: {
    code: string;
    parent: { code: string } | null;
    products: { sku: string; label: string; enabled: boolean }[];
  } | null;
  categories: { code: string }[];
  allCategories: { code: string }[];
  associations: { type: string; skus: string[] }[];
  values: Value[];
  completeness: { channel: string; locale: string; ratio: number; required: number; missing: string[] }[];
  qualityIssues: { rule: string; channel: string; locale: string; severity: string; message: string }[];
}

export const PRODUCT_VALUES = gql`
  query ProductValues($sku: String!, $locale: String!, $channel: String!) {
    product(sku: $sku) { values(locale: $locale, channel: $channel) { attribute locale channel data } }
  }
`;

export const SAVE_PRODUCT = gql`
  mutation SaveProduct($input: ProductInput!) {
    upsertProduct(input: $input) { sku version }
  }
`;

export const DELETE_PRODUCT = gql`
  mutation DeleteProduct($sku: String!) { deleteProduct(sku: $sku) }
`;

export const HISTORY = gql`
  query History($entity: String!, $code: String!) {
    changes(since: 0, first: 200, entity: $entity, code: $code) {
      changes { seq operation fields actor source at }
    }
  }
`;

export interface Change {
  seq: number;
  operation: string;
  fields: { field: string; scope?: string | null; locale?: string | null; before: unknown; after: unknown }[];
  actor: string;
  source: string;
  at: string;
}

export const ASSETS = gql`
  query Asset($hash: String!) { asset(hash: $hash) { hash filename mime url thumbnailUrl width height } }
`;

export interface Asset {
  hash: string;
  filename: string;
  mime: string;
  url: string;
  thumbnailUrl: string | null;
  width: number | null;
  height: number | null;
}

export const UPLOAD_ASSET = gql`
  mutation UploadAsset($file: Upload!) {
    uploadAsset(file: $file) { hash filename mime url thumbnailUrl width height }
  }
`;
