namespace TimepointFlash

/// The anachronism checker's findings as critique issues: a finding in spoken dialog is critical (the dialog is
/// revised with an instruction naming the term), anywhere else major.
[<RequireQualifiedAccess>]
module CritiqueFindings =
    /// Critical in dialog, major elsewhere.
    let severity (f: Finding) =
        if Finding.isDialog f then
            Severity.Critical
        else
            Severity.Major

    /// The issue a finding becomes: category anachronism, the finding's field path, the matched words quoted.
    let issue (f: Finding) : CritiqueIssue = {
        Severity = severity f
        Category = IssueCategory.Anachronism
        Field = f.Field
        Quote = Some f.Matched
        Description = $"\"{f.Matched}\" names {f.Term} ({Finding.years f}), out of its time in this scene."
    }

    /// The revision instruction for a finding in dialog; it names the term.
    let instruction (f: Finding) =
        $"In {f.Field}, replace \"{f.Matched}\" ({f.Term}, {Finding.years f}) with something of the scene's own time."

    /// Adds the findings not already among the issues; has_critical and the revision instructions follow. Adding the
    /// same findings twice changes nothing.
    let apply (findings: Finding list) (c: CritiqueData) : CritiqueData =
        let added =
            findings
            |> List.filter (fun f -> not (c.Issues |> List.contains (issue f)))
            |> List.distinctBy issue

        let instructions = added |> List.filter Finding.isDialog |> List.map instruction

        let issues = c.Issues @ (added |> List.map issue)

        {
            c with
                Issues = issues
                HasCritical = issues |> List.exists (fun i -> i.Severity = Severity.Critical)
                RevisionInstructions =
                    match c.RevisionInstructions, instructions with
                    | given, [] -> given
                    | Some given, more -> Some(String.concat " " (given :: more))
                    | None, more -> Some(String.concat " " more)
        }
