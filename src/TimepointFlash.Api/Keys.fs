namespace TimepointFlash.Api

open System
open System.Security.Cryptography
open System.Text

/// API keys: fingerprints for logs and metrics, and comparison in constant time.
[<RequireQualifiedAccess>]
module ApiKey =
    let private sha256 (text: string) =
        SHA256.HashData(Encoding.UTF8.GetBytes text)

    /// A short, stable name for a key (8 hex digits of its SHA-256): safe in logs and metrics, never the key.
    let fingerprint (key: string) =
        Convert.ToHexString(sha256 key, 0, 4).ToLowerInvariant()

    /// The configured key equal to the candidate, if any; compares digests with a fixed-time comparison against
    /// every key, so timing says nothing about how much of a key matched or which one.
    let find (keys: Set<string>) (candidate: string) : string option =
        let digest = sha256 candidate

        keys
        |> Seq.fold
            (fun found key ->
                let equal =
                    CryptographicOperations.FixedTimeEquals(ReadOnlySpan digest, ReadOnlySpan(sha256 key))

                if equal && Option.isNone found then Some key else found)
            None

/// Why a session cookie is refused.
[<RequireQualifiedAccess>]
type SessionError =
    /// Not of the session's shape.
    | Malformed
    /// The signature does not match any configured key (forged, altered, or the key was removed).
    | BadSignature
    /// Past its expiry.
    | Expired

/// Signed sessions: `v1.<key fingerprint>.<expiry, Unix seconds>.<HMAC-SHA256 by the key>`. The cookie never holds
/// the key; removing a key from API_KEYS ends its sessions on every replica.
[<RequireQualifiedAccess>]
module Session =
    /// The session cookie's name.
    let cookieName = "tpflash_session"

    /// How long a session lasts.
    let lifetime = TimeSpan.FromHours 12.0

    let private mac (key: string) (payload: string) =
        HMACSHA256.HashData(Encoding.UTF8.GetBytes key, Encoding.UTF8.GetBytes payload)
        |> Convert.ToBase64String
        |> fun s -> s.TrimEnd('=').Replace('+', '-').Replace('/', '_')

    /// A session for a key, valid for `lifetime` from `now`.
    let issue (key: string) (now: DateTimeOffset) =
        let payload = $"v1.{ApiKey.fingerprint key}.{(now + lifetime).ToUnixTimeSeconds()}"

        $"{payload}.{mac key payload}"

    /// The fingerprint of the key that signed a session still valid at `now`.
    let verify (keys: Set<string>) (now: DateTimeOffset) (cookie: string) : Result<string, SessionError> =
        match (if isNull cookie then "" else cookie).Split '.' with
        | [| "v1"; fp; expiry; signature |] when fp.Length = 8 && signature.Length > 0 ->
            match Int64.TryParse expiry with
            | true, seconds ->
                let payload = $"v1.{fp}.{expiry}"
                let given = Encoding.ASCII.GetBytes signature

                let signed =
                    keys
                    |> Seq.filter (fun k -> ApiKey.fingerprint k = fp)
                    |> Seq.exists (fun k ->
                        CryptographicOperations.FixedTimeEquals(
                            ReadOnlySpan given,
                            ReadOnlySpan(Encoding.ASCII.GetBytes(mac k payload))
                        ))

                if not signed then
                    Error SessionError.BadSignature
                elif seconds <= now.ToUnixTimeSeconds() then
                    Error SessionError.Expired
                else
                    Ok fp
            | _ -> Error SessionError.Malformed
        | _ -> Error SessionError.Malformed
