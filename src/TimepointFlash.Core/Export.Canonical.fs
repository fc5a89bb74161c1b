namespace TimepointFlash

open System
open System.Globalization
open System.Security.Cryptography
open System.Text
open System.Text.Json
open System.Text.Json.Nodes

/// Canonical JSON for hashing, as the reference computes `tdf_hash`: object keys sorted (ordinal), separators
/// ", " and ": ", every non-ASCII character escaped as \uXXXX; the same value gives the same text whatever the
/// order its properties were written in.
[<RequireQualifiedAccess>]
module CanonicalJson =
    let private escape (sb: StringBuilder) (s: string) =
        sb.Append '"' |> ignore

        for c in s do
            match c with
            | '"' -> sb.Append "\\\"" |> ignore
            | '\\' -> sb.Append "\\\\" |> ignore
            | '\n' -> sb.Append "\\n" |> ignore
            | '\r' -> sb.Append "\\r" |> ignore
            | '\t' -> sb.Append "\\t" |> ignore
            | '\b' -> sb.Append "\\b" |> ignore
            | '\f' -> sb.Append "\\f" |> ignore
            | c when c < ' ' || c > '~' ->
                sb.Append("\\u").Append((int c).ToString("x4", CultureInfo.InvariantCulture))
                |> ignore
            | c -> sb.Append c |> ignore

        sb.Append '"' |> ignore

    let rec private write (sb: StringBuilder) (node: JsonNode) =
        match node with
        | null -> sb.Append "null" |> ignore
        | :? JsonObject as o ->
            sb.Append '{' |> ignore

            o
            |> Seq.sortWith (fun a b -> String.CompareOrdinal(a.Key, b.Key))
            |> Seq.iteri (fun i kv ->
                if i > 0 then
                    sb.Append ", " |> ignore

                escape sb kv.Key
                sb.Append ": " |> ignore
                write sb kv.Value)

            sb.Append '}' |> ignore
        | :? JsonArray as a ->
            sb.Append '[' |> ignore

            a
            |> Seq.iteri (fun i item ->
                if i > 0 then
                    sb.Append ", " |> ignore

                write sb item)

            sb.Append ']' |> ignore
        | value ->
            match value.GetValueKind() with
            | JsonValueKind.String -> escape sb (value.GetValue<string>())
            | _ -> sb.Append(value.ToJsonString()) |> ignore

    /// The canonical text of a JSON value.
    let render (node: JsonNode) =
        let sb = StringBuilder()
        write sb node
        sb.ToString()

    /// Lower-case hex SHA-256 of a text's UTF-8 bytes.
    let sha256 (text: string) =
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes text))

    /// SHA-256 of the canonical text of a JSON value.
    let hash (node: JsonNode) = sha256 (render node)
