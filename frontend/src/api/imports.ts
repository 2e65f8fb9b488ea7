// The supplier import operations the imports screen sends, with the shapes of their answers
// (docs/imports.md). Profiles are JSON documents in the format of
// schema/import-profile.schema.json.

import { gql } from './client';

export const SUPPLIERS = gql`
  query Suppliers { suppliers { code name productCount profiles { code version } } }
`;

export const SAVE_SUPPLIER = gql`
  mutation SaveSupplier($input: SupplierInput!) { saveSupplier(input: $input) { code name } }
`;

export const SUGGEST_PROFILE = gql`
  mutation SuggestImportProfile($supplier: String!, $file: Upload!) {
    suggestImportProfile(supplier: $supplier, file: $file) { profile encoding delimiter decimalComma header notes }
  }
`;

export const STORED_PROFILE = gql`
  query ImportProfile($supplier: String!, $code: String!) {
    importProfile(supplier: $supplier, code: $code) { code version profile }
  }
`;

export const SAVE_PROFILE = gql`
  mutation SaveImportProfile($supplier: String!, $code: String!, $profile: JSON!) {
    saveImportProfile(supplier: $supplier, code: $code, profile: $profile) { code version }
  }
`;

export const IMPORT_FEED = gql`
  mutation ImportFeed($input: ImportFeedInput!, $file: Upload!) {
    importFeed(input: $input, file: $file) { id }
  }
`;

export const RERUN_IMPORT = gql`
  mutation RerunImport($id: ID!, $dryRun: Boolean!) { rerunImport(id: $id, dryRun: $dryRun) { id } }
`;

export const IMPORT_RUN = gql`
  query ImportRun($id: ID!) {
    import(id: $id) {
      id supplier fileName fileBytes profileCode profileVersion dryRun state error
      queuedAt startedAt finishedAt rejectedRowsUrl facts
      counts { read created updated unchanged rejected }
      progress { fraction rowsPerSecond etaSeconds }
    }
  }
`;

export const IMPORT_ROWS = gql`
  query ImportRows($id: ID!, $status: ImportRowStatus, $afterLine: Int!, $first: Int!) {
    import(id: $id) {
      id
      rows(status: $status, afterLine: $afterLine, first: $first) {
        line sku status changes errors { column value reason }
      }
    }
  }
`;

export const IMPORT_HISTORY = gql`
  query ImportHistory($supplier: String, $first: Int!) {
    imports(supplier: $supplier, first: $first) {
      id fileName profileCode profileVersion dryRun state queuedAt finishedAt rejectedRowsUrl error
      counts { read created updated unchanged rejected }
    }
  }
`;

export interface Supplier {
  code: string;
  name: string;
  productCount: number;
  profiles: { code: string; version: number }[];
}

/** One step applied to a source's text, in order, before the dictionary. */
export type Transform =
  | { op: 'trim' | 'upper' | 'lower' | 'title' }
  | { op: 'replace'; pattern: string; with: string }
  | { op: 'prefix' | 'suffix'; text: string }
  | { op: 'default'; value: string }
  | { op: 'truncate'; max: number };

/** A mapping of one source to one attribute value (`profile.values[n]`). */
export interface ValueMapping {
  attribute: string;
  column?: string;
  template?: string;
  value?: unknown;
  locale?: string;
  scope?: string;
  currency?: string;
  unit?: string;
  transforms?: Transform[];
  dictionary?: Record<string, string>;
  [more: string]: unknown;
}

/** Where a property (SKU, family, categories, …) comes from. */
export interface Source {
  column?: string;
  template?: string;
  value?: unknown;
  transforms?: Transform[];
  dictionary?: Record<string, string>;
  [more: string]: unknown;
}

export interface Profile {
  sku?: Source;
  family?: Source;
  parent?: Source;
  categories?: Source;
  enabled?: Source;
  values?: ValueMapping[];
  ignore?: string[];
  unknown_options?: 'reject' | 'create';
  [more: string]: unknown;
}

export interface Suggestion {
  profile: Profile;
  encoding: string;
  delimiter: string;
  decimalComma: boolean;
  header: string[];
  notes: string[];
}

export type ImportState = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED';

export interface Counts {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface Run {
  id: string;
  supplier: string | null;
  fileName: string;
  fileBytes: number;
  profileCode: string | null;
  profileVersion: number | null;
  dryRun: boolean;
  state: ImportState;
  error: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  rejectedRowsUrl: string | null;
  facts: Record<string, unknown>;
  counts: Counts;
  progress: { fraction: number; rowsPerSecond: number; etaSeconds: number | null };
}

export interface RowOutcome {
  line: number;
  sku: string;
  status: string;
  changes: { field: string; scope?: string | null; locale?: string | null; before: unknown; after: unknown }[] | null;
  errors: { column: string; value: string; reason: string }[];
}

export type HistoryRun = Pick<
  Run,
  'id' | 'fileName' | 'profileCode' | 'profileVersion' | 'dryRun' | 'state' | 'queuedAt' | 'finishedAt' | 'rejectedRowsUrl' | 'error' | 'counts'
>;
