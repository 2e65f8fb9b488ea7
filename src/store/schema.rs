//! The diesel schema, written for both backends: the migrations in `migrations/sqlite` and
//! `migrations/postgres` create exactly these columns (a test checks them against each database).

diesel::table! {
    structure_entities (kind, code) {
        kind -> Text,
        code -> Text,
        definition -> Text,
        updated -> Timestamp,
    }
}

diesel::table! {
    counters (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    product_models (id) {
        id -> BigInt,
        code -> Text,
        family_variant -> Text,
        parent_id -> Nullable<BigInt>,
        axis_key -> Nullable<Text>,
        raw_values -> Text,
        created -> Timestamp,
        updated -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    products (id) {
        id -> BigInt,
        sku -> Text,
        sku_key -> Text,
        family -> Nullable<Text>,
        parent_id -> Nullable<BigInt>,
        axis_key -> Nullable<Text>,
        enabled -> Bool,
        raw_values -> Text,
        associations -> Text,
        created -> Timestamp,
        updated -> Timestamp,
        version -> BigInt,
        quality -> Text,
    }
}

diesel::table! {
    product_categories (category_code, product_id) {
        category_code -> Text,
        product_id -> BigInt,
    }
}

diesel::table! {
    model_categories (category_code, model_id) {
        category_code -> Text,
        model_id -> BigInt,
    }
}

diesel::table! {
    unique_values (attribute_code, value_key) {
        attribute_code -> Text,
        value_key -> Text,
        product_id -> BigInt,
    }
}

diesel::table! {
    assets (hash) {
        hash -> Text,
        filename -> Text,
        mime -> Text,
        bytes -> BigInt,
        format -> Nullable<Text>,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        created -> Timestamp,
    }
}

diesel::table! {
    changes (seq) {
        seq -> BigInt,
        entity -> Text,
        code -> Text,
        operation -> Text,
        fields -> Text,
        actor -> Text,
        source -> Text,
        at -> Timestamp,
    }
}

diesel::joinable!(products -> product_models (parent_id));
diesel::joinable!(product_categories -> products (product_id));
diesel::joinable!(model_categories -> product_models (model_id));
diesel::joinable!(unique_values -> products (product_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (owner_id));

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        grants -> Text,
        disabled -> Bool,
        created -> Timestamp,
        updated -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        created -> Timestamp,
        expires -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        name -> Text,
        token_hash -> Text,
        prefix -> Text,
        owner_id -> BigInt,
        role -> Text,
        grants -> Text,
        expires -> Nullable<Timestamp>,
        last_used -> Nullable<Timestamp>,
        created -> Timestamp,
        revoked -> Nullable<Timestamp>,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        state -> Text,
        detail -> Text,
        total -> BigInt,
        done -> BigInt,
        cursor -> BigInt,
        error -> Nullable<Text>,
        worker -> Nullable<Text>,
        heartbeat -> Nullable<Timestamp>,
        created -> Timestamp,
        started -> Nullable<Timestamp>,
        finished -> Nullable<Timestamp>,
    }
}

diesel::table! {
    suppliers (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        contacts -> Text,
        created -> Timestamp,
        updated -> Timestamp,
    }
}

diesel::table! {
    import_profiles (id) {
        id -> BigInt,
        supplier -> Text,
        code -> Text,
        version -> BigInt,
        body -> Text,
        actor -> Text,
        created -> Timestamp,
    }
}

diesel::table! {
    imports (id) {
        id -> BigInt,
        supplier -> Nullable<Text>,
        file_name -> Text,
        file_hash -> Text,
        file_bytes -> BigInt,
        profile_code -> Nullable<Text>,
        profile_version -> Nullable<BigInt>,
        settings -> Text,
        dry_run -> Bool,
        state -> Text,
        bytes_read -> BigInt,
        rows_read -> BigInt,
        rows_created -> BigInt,
        rows_updated -> BigInt,
        rows_unchanged -> BigInt,
        rows_rejected -> BigInt,
        facts -> Text,
        error -> Nullable<Text>,
        actor -> Text,
        queued_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        heartbeat_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    import_rows (import_id, line) {
        import_id -> BigInt,
        line -> BigInt,
        sku -> Text,
        status -> Text,
        errors -> Text,
        changes -> Text,
    }
}

diesel::table! {
    supplier_products (supplier, sku_key) {
        supplier -> Text,
        sku_key -> Text,
    }
}

diesel::table! {
    import_row_hashes (source, product_id) {
        source -> Text,
        product_id -> BigInt,
        row_hash -> Binary,
    }
}

diesel::joinable!(import_row_hashes -> products (product_id));

diesel::allow_tables_to_appear_in_same_query!(
    structure_entities,
    counters,
    product_models,
    products,
    product_categories,
    model_categories,
    unique_values,
    assets,
    changes,
    users,
    sessions,
    api_tokens,
    jobs,
    suppliers,
    import_profiles,
    imports,
    import_rows,
    supplier_products,
    import_row_hashes,
);
