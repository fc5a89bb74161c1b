namespace TimepointFlash.Engines

open System.Runtime.CompilerServices
open System.Text.Json
open System.Text.Json.Nodes
open System.Text.Json.Serialization
open System.Text.Json.Serialization.Metadata
open TimepointFlash

/// Renders the Core `Schema` for each provider's structured-output field.
[<RequireQualifiedAccess>]
module SchemaWire =
    let private bounds (minName, maxName) (render: 'a -> JsonNode) (lo: 'a option, hi: 'a option) = [
        match lo with
        | Some v -> minName, render v
        | None -> ()
        match hi with
        | Some v -> maxName, render v
        | None -> ()
    ]

    /// Gemini `responseSchema` (OpenAPI 3.0 subset: upper-case types, `nullable`, `propertyOrdering`).
    let rec toGemini (schema: Schema) : JsonNode =
        match schema with
        | Schema.String description ->
            Json.objNode [
                "type", Json.str "STRING"
                match description with
                | Some d -> "description", Json.str d
                | None -> ()
            ]
        | Schema.Enum values ->
            Json.objNode [ "type", Json.str "STRING"; "enum", Json.arr (values |> List.map Json.str) ]
        | Schema.Integer(lo, hi) ->
            Json.objNode [
                "type", Json.str "INTEGER"
                yield! bounds ("minimum", "maximum") Json.integer (lo, hi)
            ]
        | Schema.Number(lo, hi) ->
            Json.objNode [
                "type", Json.str "NUMBER"
                yield! bounds ("minimum", "maximum") Json.num (lo, hi)
            ]
        | Schema.Boolean -> Json.objNode [ "type", Json.str "BOOLEAN" ]
        | Schema.Array(items, maxItems) ->
            Json.objNode [
                "type", Json.str "ARRAY"
                "items", toGemini items
                match maxItems with
                | Some n -> "maxItems", Json.integer n
                | None -> ()
            ]
        | Schema.Object(properties, required) ->
            Json.objNode [
                "type", Json.str "OBJECT"
                "properties", Json.objNode (properties |> List.map (fun (name, s) -> name, toGemini s))
                "required", Json.arr (required |> List.map Json.str)
                "propertyOrdering", Json.arr (properties |> List.map (fst >> Json.str))
            ]
        | Schema.Nullable inner ->
            let node = toGemini inner
            node["nullable"] <- Json.bool true
            node

    let private typeName =
        function
        | Schema.String _
        | Schema.Enum _ -> "string"
        | Schema.Integer _ -> "integer"
        | Schema.Number _ -> "number"
        | Schema.Boolean -> "boolean"
        | Schema.Array _ -> "array"
        | Schema.Object _ -> "object"
        | Schema.Nullable _ -> "null"

    /// JSON Schema for OpenAI-compatible `response_format.json_schema.schema` (nullable = `["t","null"]`).
    let rec toJsonSchema (schema: Schema) : JsonNode =
        match schema with
        | Schema.String description ->
            Json.objNode [
                "type", Json.str "string"
                match description with
                | Some d -> "description", Json.str d
                | None -> ()
            ]
        | Schema.Enum values ->
            Json.objNode [ "type", Json.str "string"; "enum", Json.arr (values |> List.map Json.str) ]
        | Schema.Integer(lo, hi) ->
            Json.objNode [
                "type", Json.str "integer"
                yield! bounds ("minimum", "maximum") Json.integer (lo, hi)
            ]
        | Schema.Number(lo, hi) ->
            Json.objNode [
                "type", Json.str "number"
                yield! bounds ("minimum", "maximum") Json.num (lo, hi)
            ]
        | Schema.Boolean -> Json.objNode [ "type", Json.str "boolean" ]
        | Schema.Array(items, maxItems) ->
            Json.objNode [
                "type", Json.str "array"
                "items", toJsonSchema items
                match maxItems with
                | Some n -> "maxItems", Json.integer n
                | None -> ()
            ]
        | Schema.Object(properties, required) ->
            Json.objNode [
                "type", Json.str "object"
                "properties", Json.objNode (properties |> List.map (fun (name, s) -> name, toJsonSchema s))
                "required", Json.arr (required |> List.map Json.str)
                "additionalProperties", Json.bool false
            ]
        | Schema.Nullable(Schema.Nullable inner) -> toJsonSchema (Schema.Nullable inner)
        | Schema.Nullable inner ->
            let node = toJsonSchema inner
            node["type"] <- Json.arr [ Json.str (typeName inner); Json.str "null" ]

            match inner with
            | Schema.Enum values -> node["enum"] <- Json.arr [ yield! values |> List.map Json.str; null ]
            | _ -> ()

            node

    /// The schema made strict-compatible (OpenAI structured outputs): every property listed in `required`,
    /// the optional ones nullable instead, nested objects likewise.
    let rec strict (schema: Schema) : Schema =
        match schema with
        | Schema.Object(properties, required) ->
            let properties =
                properties
                |> List.map (fun (name, s) ->
                    let s = strict s

                    match s with
                    | Schema.Nullable _ -> name, s
                    | _ when List.contains name required -> name, s
                    | _ -> name, Schema.Nullable s)

            Schema.Object(properties, properties |> List.map fst)
        | Schema.Array(items, maxItems) -> Schema.Array(strict items, maxItems)
        | Schema.Nullable inner -> Schema.Nullable(strict inner)
        | other -> other

    /// `toJsonSchema` of the strict-compatible schema, for `json_schema` with `strict: true`.
    let toStrictJsonSchema (schema: Schema) = toJsonSchema (strict schema)

    /// The system-message sentence that carries the schema as real JSON text (for calls that cannot send it as a
    /// structured-output setting).
    let instruction (schema: Schema) =
        $"Answer with one JSON object only, matching this JSON Schema: {Json.write (toJsonSchema schema)}"

    /// Writes UTF-8 JSON text as it is (a rendering made once, by the same writer options).
    type private RawJsonConverter() =
        inherit JsonConverter<byte[]>()

        override _.Read(_, _, _) =
            raise (System.NotSupportedException "raw JSON is only written")

        override _.Write(writer, bytes, _) =
            writer.WriteRawValue(System.ReadOnlySpan bytes, skipInputValidation = true)

    let private rawJson =
        JsonMetadataServices.CreateValueInfo<byte[]>(Json.options, RawJsonConverter())

    // Agents' schemas are values made once, so a rendering is kept per schema value (by reference).
    let private strictRendered = ConditionalWeakTable<Schema, byte[]>()

    /// `toStrictJsonSchema` rendered once per schema value: a node over the shared UTF-8 rendering, which writes
    /// the same JSON as a fresh render (every model call of a step sends the same schema).
    let strictJsonSchemaOnce (schema: Schema) : JsonNode =
        let rendered =
            strictRendered.GetValue(
                schema,
                fun s -> JsonSerializer.SerializeToUtf8Bytes(toStrictJsonSchema s, Json.options)
            )

        JsonValue.Create(rendered, rawJson)

    /// A name OpenAI accepts for a json_schema (letters, digits, `_`, `-`; at most 64 chars).
    let schemaName (step: string) =
        let cleaned =
            step
            |> String.map (fun c ->
                if System.Char.IsAsciiLetterOrDigit c || c = '_' || c = '-' then
                    c
                else
                    '_')

        if cleaned.Length = 0 then "response"
        elif cleaned.Length > 64 then cleaned.Substring(0, 64)
        else cleaned
