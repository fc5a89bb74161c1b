namespace TimepointFlash.Api

open System
open System.IO
open System.Net.Sockets
open Microsoft.AspNetCore.Connections

/// Where the server listens, following ASP.NET Core's conventions beside HOST/PORT:
/// `--urls` > `ASPNETCORE_URLS` > `URLS` > `HOST`:`PORT` (each a `;`-separated list of http(s) URLs).
[<RequireQualifiedAccess>]
module Listen =
    /// The value of `--name value` or `--name=value` on the command line.
    let argument (name: string) (args: string list) =
        let flag = "--" + name

        let rec go =
            function
            | a :: v :: _ when a = flag -> Some v
            | (a: string) :: _ when a.StartsWith(flag + "=") -> Some(a.Substring(flag.Length + 1))
            | _ :: rest -> go rest
            | [] -> None

        go args |> Option.bind TimepointFlash.String.nonBlank

    let private valid (url: string) =
        (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
         || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        && url.Length > 8

    /// The URLs to listen on and the setting they came from, or "SETTING: problem".
    let urls (args: string list) (lookup: string -> string option) (host: string) (port: int) =
        let given =
            [
                "--urls", argument "urls" args
                "ASPNETCORE_URLS", lookup "ASPNETCORE_URLS"
                "URLS", lookup "URLS"
            ]
            |> List.tryPick (fun (source, v) ->
                v
                |> Option.bind TimepointFlash.String.nonBlank
                |> Option.map (fun v -> source, v))

        match given with
        | None -> Ok([ $"http://{host}:{port}" ], "HOST/PORT")
        | Some(source, value) ->
            let list =
                value.Split(';', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
                |> List.ofArray

            match list |> List.tryFind (valid >> not) with
            | _ when list.IsEmpty -> Error $"{source}: no URL given"
            | Some bad -> Error $"{source}: '{TimepointFlash.String.truncate 80 bad}' is not an http:// or https:// URL"
            | None -> Ok(list, source)

    /// Why the server could not bind, when the exception (or one inside it) is a bind failure.
    let rec bindFailure (e: exn) : string option =
        match e with
        | null -> None
        | :? AddressInUseException -> Some "the address is already in use"
        | :? SocketException as s ->
            Some(
                match s.SocketErrorCode with
                | SocketError.AddressAlreadyInUse -> "the address is already in use"
                | SocketError.AddressNotAvailable -> "the address is not available on this machine"
                | SocketError.AccessDenied -> "permission denied"
                | code -> $"the socket failed ({code})"
            )
        | :? AggregateException as a -> a.InnerExceptions |> Seq.tryPick bindFailure
        | :? IOException as io -> bindFailure io.InnerException |> Option.orElse (Some "it could not be bound")
        | e -> bindFailure e.InnerException
