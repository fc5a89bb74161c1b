/// Small statistics and Markdown tables for the benchmark reports.
module TimepointFlash.Bench.Stats

open System

/// The p-th percentile (0–100) of a non-empty sample, nearest rank.
let percentile (p: float) (xs: float seq) =
    let sorted = xs |> Seq.sort |> Array.ofSeq

    if sorted.Length = 0 then
        nan
    else
        let rank = int (Math.Ceiling(p / 100.0 * float sorted.Length)) - 1
        sorted[max 0 (min (sorted.Length - 1) rank)]

/// The median of a non-empty sample.
let median xs = percentile 50.0 xs

/// Prints a Markdown table: a header row, the separator, then the rows.
let table (headers: string list) (rows: string list list) =
    let line (cells: string list) = "| " + String.Join(" | ", cells) + " |"
    printfn "%s" (line headers)
    printfn "%s" (line (headers |> List.map (fun _ -> "---")))

    for r in rows do
        printfn "%s" (line r)

    printfn ""

/// A number with a fixed count of decimals, invariant culture.
let num (decimals: int) (x: float) =
    x.ToString("F" + string decimals, Globalization.CultureInfo.InvariantCulture)
