namespace TimepointFlash.Api

open System
open System.Net

/// The client behind one trusted proxy (FORWARDED_HEADERS=true): pure readings of X-Forwarded-For/-Proto.
[<RequireQualifiedAccess>]
module Forwarded =
    let private last (header: string) =
        (if isNull header then "" else header).Split(',')
        |> Array.map (fun s -> s.Trim())
        |> Array.filter (fun s -> s <> "")
        |> Array.tryLast

    /// The client address: with forwarding on, the last X-Forwarded-For entry (the first hop the trusted proxy did
    /// not add itself; entries further left are the client's own claims and never read); otherwise the peer.
    let client (enabled: bool) (remote: IPAddress option) (forwardedFor: string) : IPAddress option =
        if not enabled then
            remote
        else
            match last forwardedFor |> Option.map (fun s -> IPAddress.TryParse s) with
            | Some(true, ip) -> Some ip
            | _ -> remote

    /// The scheme the client used: with forwarding on, the last X-Forwarded-Proto entry when it is http or https.
    let scheme (enabled: bool) (scheme: string) (forwardedProto: string) =
        if not enabled then
            scheme
        else
            match last forwardedProto |> Option.map (fun s -> s.ToLowerInvariant()) with
            | Some("http" | "https" as s) -> s
            | _ -> scheme
