namespace TimepointFlash

open System
open System.Security.Cryptography
open System.Text

/// A rendered JSON body with its entity tag.
type RenderedBody = { Bytes: byte[]; ETag: string }

/// A finished timepoint's wire JSON rendered once: both forms, the hash of each and the renderer's stamp.
type StoredWire = {
    /// UTF-8 of `TimepointWire.encode true`.
    Full: byte[]
    /// UTF-8 of `TimepointWire.encode false`.
    Summary: byte[]
    /// Hash of Full (32 lower-case hex digits).
    Hash: string
    /// Hash of Summary.
    SummaryHash: string
    /// The renderer that produced the bytes (see StoredWire.stamp).
    Stamp: string
}

/// Rendering a timepoint once for storage, and serving the stored bytes.
[<RequireQualifiedAccess>]
module StoredWire =
    type private Marker = class end

    /// Bumped by hand when the wire changes in a way the assembly stamp would not show (never needed so far).
    let private format = "w1"

    /// The renderer's stamp: the format and the module version id of this (deterministically built) assembly,
    /// which changes whenever Core's code or data changes. Stored bytes with another stamp are rendered again.
    let stamp =
        let mvid = typeof<Marker>.Assembly.ManifestModule.ModuleVersionId
        format + "-" + mvid.ToString("N").Substring(0, 16)

    /// The first 16 bytes of a body's SHA-256, in lower-case hex.
    let hashOf (bytes: byte[]) =
        Convert.ToHexStringLower(SHA256.HashData(bytes), 0, 16)

    /// The strong entity tag of a hash: the hash, quoted.
    let etagOfHash (hash: string) = "\"" + hash + "\""

    /// The strong entity tag of a body.
    let etagOf (bytes: byte[]) = etagOfHash (hashOf bytes)

    /// A body and its entity tag.
    let body (bytes: byte[]) = { Bytes = bytes; ETag = etagOf bytes }

    /// The UTF-8 wire JSON of a timepoint in one form, with its entity tag.
    let renderOne (full: bool) (t: Timepoint) =
        body (Encoding.UTF8.GetBytes(Encode.toString (TimepointWire.encode full t)))

    /// Both forms of a timepoint, hashed and stamped with the current renderer.
    let render (t: Timepoint) : StoredWire =
        let full = renderOne true t
        let summary = renderOne false t

        {
            Full = full.Bytes
            Summary = summary.Bytes
            Hash = hashOf full.Bytes
            SummaryHash = hashOf summary.Bytes
            Stamp = stamp
        }

    /// Whether stored bytes come from the current renderer.
    let isCurrent (w: StoredWire) = w.Stamp = stamp

    /// The stored body of one form with its entity tag.
    let served (full: bool) (w: StoredWire) =
        if full then
            {
                Bytes = w.Full
                ETag = etagOfHash w.Hash
            }
        else
            {
                Bytes = w.Summary
                ETag = etagOfHash w.SummaryHash
            }
