namespace TimepointFlash.Api

open System.IO
open System.Reflection
open System.Security.Cryptography

/// A static file of the pages, embedded in the assembly.
type Asset = {
    Name: string
    ContentType: string
    Bytes: byte[]
    /// 12 hex digits of the content's SHA-256: the version in the asset's URL and its ETag.
    Hash: string
}

/// The page script and stylesheet, served from /static with long-lived cache headers (the URL carries the hash).
[<RequireQualifiedAccess>]
module Assets =
    let private load (name: string) (contentType: string) =
        use stream = Assembly.GetExecutingAssembly().GetManifestResourceStream name

        if isNull stream then
            failwith $"embedded asset {name} is missing"

        use copy = new MemoryStream()
        stream.CopyTo copy
        let bytes = copy.ToArray()

        {
            Name = name
            ContentType = contentType
            Bytes = bytes
            Hash = System.Convert.ToHexString(SHA256.HashData bytes, 0, 6).ToLowerInvariant()
        }

    /// The page script (live progress; the pages work without it).
    let script = load "app.js" "text/javascript; charset=utf-8"

    /// The stylesheet.
    let styles = load "site.css" "text/css; charset=utf-8"

    /// Every asset.
    let all = [ script; styles ]

    /// The versioned URL of an asset.
    let url (asset: Asset) = $"/static/{asset.Name}?v={asset.Hash}"

    /// Cache-Control of an asset response: a year, immutable (a new version has a new URL).
    let cacheControl = "public, max-age=31536000, immutable"
