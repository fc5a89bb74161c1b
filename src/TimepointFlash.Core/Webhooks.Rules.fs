namespace TimepointFlash

open System
open System.Net
open System.Net.Sockets

/// Why a callback URL or one of its addresses was refused (SSRF rules).
[<RequireQualifiedAccess>]
type CallbackRefusal =
    | NotAbsolute
    | SchemeNotHttps of scheme: string
    | NoHost
    | TooLong of length: int
    /// The host is (or resolves to) an address of a forbidden range.
    | ForbiddenAddress of address: string * range: string
    /// The host name itself names the machine or a metadata service.
    | ForbiddenName of host: string
    | Unresolvable of host: string

/// Hosts exempt from the SSRF rules (WEBHOOK_ALLOW_HOSTS): a bare host allows every port, host:port one port.
type CallbackAllowList = { Entries: (string * int option) list }

/// The SSRF rules for callback URLs: which URLs and addresses a delivery may reach.
[<RequireQualifiedAccess>]
module CallbackRules =
    /// Longest callback URL accepted.
    let maxLength = 2048

    /// One line for a refusal (no secrets: the URL's host only).
    let describe =
        function
        | CallbackRefusal.NotAbsolute -> "must be an absolute URL"
        | CallbackRefusal.SchemeNotHttps s -> $"must use https (got '{String.truncate 16 s}')"
        | CallbackRefusal.NoHost -> "must name a host"
        | CallbackRefusal.TooLong n -> $"must be at most {maxLength} characters (got {n})"
        | CallbackRefusal.ForbiddenAddress(a, range) -> $"resolves to {a}, a {range} address"
        | CallbackRefusal.ForbiddenName h -> $"names a local or metadata host ({String.truncate 64 h})"
        | CallbackRefusal.Unresolvable h -> $"host {String.truncate 64 h} does not resolve"

    /// Parses WEBHOOK_ALLOW_HOSTS entries (`host` or `host:port`, case-insensitive); None for a malformed entry.
    let parseAllowEntry (entry: string) : (string * int option) option =
        let e = entry.Trim().ToLowerInvariant()

        let port (p: string) =
            match Int32.TryParse p with
            | true, n when n > 0 && n < 65536 -> Some n
            | _ -> None

        if e = "" then
            None
        elif e.StartsWith "[" then
            match e.IndexOf "]" with
            | -1 -> None
            | close when close = e.Length - 1 -> Some(e.Substring(1, close - 1), None)
            | close when e[close + 1] = ':' ->
                port (e.Substring(close + 2))
                |> Option.map (fun p -> e.Substring(1, close - 1), Some p)
            | _ -> None
        else
            match e.Split ':' with
            | [| host; p |] -> port p |> Option.map (fun n -> host, Some n)
            | _ -> Some(e, None)

    /// True when the host (and port) of a URL is listed.
    let allows (allow: CallbackAllowList) (host: string) (port: int) =
        let h = host.Trim('[', ']').ToLowerInvariant()

        allow.Entries
        |> List.exists (fun (eh, ep) -> eh = h && (ep.IsNone || ep = Some port))

    let private v4Ranges = [
        "0.0.0.0", 8, "unspecified"
        "10.0.0.0", 8, "private"
        "100.64.0.0", 10, "shared (carrier-grade NAT)"
        "127.0.0.0", 8, "loopback"
        "169.254.0.0", 16, "link-local (metadata)"
        "172.16.0.0", 12, "private"
        "192.0.0.0", 24, "reserved"
        "192.168.0.0", 16, "private"
        "198.18.0.0", 15, "benchmarking"
        "224.0.0.0", 4, "multicast"
        "240.0.0.0", 4, "reserved"
    ]

    let private inV4 (bytes: byte[]) (net: string, bits: int) =
        let n = IPAddress.Parse(net).GetAddressBytes()

        let value (b: byte[]) =
            (uint32 b[0] <<< 24)
            ||| (uint32 b[1] <<< 16)
            ||| (uint32 b[2] <<< 8)
            ||| uint32 b[3]

        let mask = if bits = 0 then 0u else UInt32.MaxValue <<< (32 - bits)
        (value bytes &&& mask) = (value n &&& mask)

    /// The forbidden range an address falls in: loopback, private, link-local, multicast, metadata, reserved.
    let rec forbiddenRange (ip: IPAddress) : string option =
        if ip.IsIPv4MappedToIPv6 then
            forbiddenRange (ip.MapToIPv4())
        elif ip.AddressFamily = AddressFamily.InterNetwork then
            let bytes = ip.GetAddressBytes()

            v4Ranges
            |> List.tryPick (fun (net, bits, name) -> if inV4 bytes (net, bits) then Some name else None)
        elif ip.AddressFamily = AddressFamily.InterNetworkV6 then
            let b = ip.GetAddressBytes()

            if IPAddress.IPv6Loopback.Equals ip then
                Some "loopback"
            elif IPAddress.IPv6None.Equals ip then
                Some "unspecified"
            elif ip.IsIPv6LinkLocal then
                Some "link-local"
            elif ip.IsIPv6SiteLocal then
                Some "site-local"
            elif ip.IsIPv6Multicast then
                Some "multicast"
            elif (b[0] &&& 0xFEuy) = 0xFCuy then
                Some "private (unique local)"
            elif b[0] = 0x20uy && b[1] = 0x01uy && b[2] = 0x0Duy && b[3] = 0xB8uy then
                Some "documentation"
            elif b[0] = 0x00uy && b[1] = 0x64uy && b[2] = 0xFFuy && b[3] = 0x9Buy then
                // NAT64: judge the embedded IPv4 address.
                forbiddenRange (IPAddress(b[12..15]))
            else
                None
        else
            Some "non-IP"

    let private forbiddenNames = [ "localhost"; "metadata"; "metadata.google.internal"; "instance-data" ]

    let private forbiddenName (host: string) =
        let h = host.TrimEnd('.').ToLowerInvariant()

        forbiddenNames |> List.contains h
        || h.EndsWith ".localhost"
        || h.EndsWith ".internal"

    /// Request-time check: an absolute https URL (any scheme of http/https for an allowed host) whose host is not a
    /// forbidden literal address or local name. Names are resolved again at send time.
    let check (allow: CallbackAllowList) (text: string) : Result<Uri, CallbackRefusal> =
        if text.Length > maxLength then
            Error(CallbackRefusal.TooLong text.Length)
        else
            match Uri.TryCreate(text.Trim(), UriKind.Absolute) with
            | false, _ -> Error CallbackRefusal.NotAbsolute
            | true, uri when uri.Scheme <> "http" && uri.Scheme <> "https" ->
                Error(CallbackRefusal.SchemeNotHttps uri.Scheme)
            | true, uri when String.IsNullOrWhiteSpace uri.Host -> Error CallbackRefusal.NoHost
            | true, uri when allows allow uri.Host uri.Port -> Ok uri
            | true, uri when uri.Scheme <> "https" -> Error(CallbackRefusal.SchemeNotHttps uri.Scheme)
            | true, uri ->
                match IPAddress.TryParse(uri.Host.Trim('[', ']')) with
                | true, ip ->
                    match forbiddenRange ip with
                    | Some range -> Error(CallbackRefusal.ForbiddenAddress(string ip, range))
                    | None -> Ok uri
                | _ when forbiddenName uri.Host -> Error(CallbackRefusal.ForbiddenName uri.Host)
                | _ -> Ok uri

    /// Send-time check of the resolved addresses: every one must be allowed (one bad address refuses the URL).
    let checkAddresses (host: string) (addresses: IPAddress list) : Result<IPAddress list, CallbackRefusal> =
        match addresses with
        | [] -> Error(CallbackRefusal.Unresolvable host)
        | _ ->
            match
                addresses
                |> List.tryPick (fun a -> forbiddenRange a |> Option.map (fun r -> a, r))
            with
            | Some(a, r) -> Error(CallbackRefusal.ForbiddenAddress(string a, r))
            | None -> Ok addresses
