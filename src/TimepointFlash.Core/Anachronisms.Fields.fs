namespace TimepointFlash

/// The descriptive text fields of a timepoint, named by their paths under `metadata`, for checks over a whole
/// scene. They come from the output codecs: every string an output's codec declares as prose (`TextKind.Prose`) is
/// here, so a new prose field of any output is checked without naming it again.
[<RequireQualifiedAccess>]
module SceneText =
    /// Every prose string of every output, with its path ("scene.setting", "dialog.lines[0].text"), outputs in name
    /// order. Names, labels and vocabulary words are left out, and so are the strings that speak from the present
    /// about what came later (hindsight) or that guide a writer or model on what to avoid (guidance).
    let fields (t: Timepoint) : (string * string) list =
        Outputs.strings t.Outputs
        |> List.filter (fun l -> l.Kind = TextKind.Prose)
        |> List.map (fun l -> l.Path, l.Text)

    /// The scene's year: the resolved point, else the timeline's.
    let year (t: Timepoint) =
        Timepoint.year t |> Option.orElse (t.Timeline |> Option.map (fun x -> x.Year))
