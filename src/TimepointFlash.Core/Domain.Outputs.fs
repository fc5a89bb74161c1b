namespace TimepointFlash

open System.Text.Json.Nodes
open FsToolkit.ErrorHandling

/// Where a step's output is kept: its name (under "metadata" on the wire and in storage) and its codec.
type OutputKey<'T> = {
    Name: string
    Encode: 'T -> JsonNode
    Decoder: Decoder<'T>
    /// The strings a value holds, by kind (see TextKind), for checks over every output.
    Strings: 'T -> TextLeaf list
}

/// One kept output with its own encoder, so every output encodes without knowing its type.
[<CustomEquality; NoComparison>]
type OutputSlot = private {
    Value: obj
    ToJson: unit -> JsonNode
    Strings: unit -> TextLeaf list
} with

    override x.Equals(other) =
        match other with
        | :? OutputSlot as o ->
            match x.Value, o.Value with
            | (:? JsonNode as a), (:? JsonNode as b) -> JsonNode.DeepEquals(a, b)
            | a, b -> a.Equals b
        | _ -> false

    override x.GetHashCode() =
        match x.Value with
        | :? JsonNode -> 0
        | v -> v.GetHashCode()

/// Every step output so far, keyed by output name: one place for all steps, whatever their types.
type Outputs = private Outputs of Map<string, OutputSlot>

/// An output key without its type, to decode stored outputs by name.
type StoredOutput = {
    Name: string
    Decode: JsonNode -> Validation<OutputSlot, DecodeError>
}

[<RequireQualifiedAccess>]
module OutputKey =
    /// A key of the given name with its codec.
    let ofCodec name (codec: Codec<'T>) : OutputKey<'T> = {
        Name = name
        Encode = codec.Encode
        Decoder = codec.Decoder
        Strings = codec.Strings
    }

    let private slot (key: OutputKey<'T>) (value: 'T) = {
        Value = box value
        ToJson = fun () -> key.Encode value
        Strings = fun () -> key.Strings value
    }

    /// The key without its type, for decoding stored outputs.
    let stored (key: OutputKey<'T>) : StoredOutput = {
        Name = key.Name
        Decode = fun node -> Decode.fromNode key.Decoder node |> Result.map (slot key)
    }

    /// The slot of a value (used by Outputs).
    let internal slotOf key value = slot key value

[<RequireQualifiedAccess>]
module Outputs =
    /// No outputs.
    let empty = Outputs Map.empty

    /// The output under a key, when there is one.
    let tryGet (key: OutputKey<'T>) (Outputs m) : 'T option =
        m
        |> Map.tryFind key.Name
        |> Option.bind (fun s ->
            match s.Value with
            | :? 'T as v -> Some v
            | _ -> None)

    /// The output under a key; a step reads only outputs of steps it declares, so it is there (else this throws).
    let get (key: OutputKey<'T>) (outputs: Outputs) : 'T =
        match tryGet key outputs with
        | Some v -> v
        | None -> invalidOp $"no output '{key.Name}' yet"

    /// Sets (or replaces) the output under a key.
    let add (key: OutputKey<'T>) (value: 'T) (Outputs m) =
        Outputs(m.Add(key.Name, OutputKey.slotOf key value))

    /// Sets, replaces or removes the output under a key.
    let set (key: OutputKey<'T>) (value: 'T option) (Outputs m as o) =
        match value with
        | Some v -> add key v o
        | None -> Outputs(m.Remove key.Name)

    /// The names of the outputs kept.
    let names (Outputs m) = m |> Map.keys |> List.ofSeq

    /// The JSON of the output under a name, when there is one.
    let tryJson (name: string) (Outputs m) =
        m |> Map.tryFind name |> Option.map (fun s -> s.ToJson())

    /// The strings of every output, paths prefixed by the output's name, outputs in name order.
    let strings (Outputs m) : TextLeaf list =
        m
        |> Map.toList
        |> List.collect (fun (name, s) -> s.Strings() |> Codec.stringsUnder name)

    /// Every output as one JSON object keyed by name.
    let encode (Outputs m) : JsonNode =
        Encode.obj (m |> Map.toList |> List.map (fun (name, s) -> name, s.ToJson()))

    /// Reads a JSON object of outputs: known names decode with their codec; unknown names (a newer version's step)
    /// are kept as they are.
    let decode (known: StoredOutput list) (node: JsonNode) : Validation<Outputs, DecodeError> =
        match node with
        | :? JsonObject as o ->
            o
            |> Seq.map (fun kv ->
                let value = if isNull kv.Value then null else kv.Value.DeepClone()

                match known |> List.tryFind (fun k -> k.Name = kv.Key) with
                | _ when isNull value -> Ok None
                | Some k ->
                    k.Decode value
                    |> Result.map (fun s -> Some(kv.Key, s))
                    |> Result.mapError (List.map (fun e -> { e with Path = kv.Key + e.Path }))
                | None ->
                    Ok(
                        Some(
                            kv.Key,
                            {
                                Value = box value
                                ToJson = fun () -> value.DeepClone()
                                Strings = fun () -> []
                            }
                        )
                    ))
            |> List.ofSeq
            |> List.sequenceResultA
            |> Result.map (List.choose id >> Map.ofList >> Outputs)
            |> Result.mapError List.concat
        | _ ->
            Error [
                {
                    Path = ""
                    Message = "expected an object of step outputs"
                }
            ]
