/// `check`: scans text for anachronisms against a year.
module TimepointFlash.Cli.Commands.Check

open System
open System.Threading.Tasks
open Argu
open TimepointFlash
open TimepointFlash.Runtime
open TimepointFlash.Cli
open TimepointFlash.Cli.Commands.Common

/// Reads "1903", "-44", "44 BCE", "44 BC", "1066 CE" or "1066 AD".
let private parseYear (s: string) =
    let parts = s.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)

    let number (n: string) =
        match Int32.TryParse n with
        | true, v when v <> 0 -> Some v
        | _ -> None

    match parts |> Array.map (fun p -> p.ToUpperInvariant()) with
    | [| n |] -> number n
    | [| n; ("BCE" | "BC") |] -> number n |> Option.filter (fun v -> v > 0) |> Option.map (~-)
    | [| n; ("CE" | "AD") |] -> number n |> Option.filter (fun v -> v > 0)
    | _ -> None

/// Scans the text for the year; exit 1 when something is found.
let run (args: ParseResults<CheckArgs>) =
    match parseYear (args.GetResult CheckArgs.Year) with
    | None -> Task.FromResult(fail (CliError.Invalid "--year must be a year such as 1903, -44 or \"44 BCE\""))
    | Some year ->
        let findings = Anachronisms.scan year (args.GetResult CheckArgs.Text)

        if args.Contains CheckArgs.Json then
            out (Encode.obj [ "year", Encode.int year; "findings", Encode.list Finding.encode findings ])
        else
            match findings with
            | [] -> Console.Out.WriteLine $"No anachronisms found for {TimelineData.displayYear year}."
            | fs ->
                for f in fs do
                    Console.Out.WriteLine(Render.finding f)

        Task.FromResult(if List.isEmpty findings then Exit.ok else Exit.failed)
