using Microsoft.ML.Tokenizers;

namespace Gryphgen.Agents.Roles;

/// <summary>
/// A prompt section that may be cut to fit the window, from its end (retrieved context: least relevant last) or from
/// its start (a test report: the failures and the summary come last). It says how much was cut, so the model knows.
/// </summary>
public sealed class TrimmableText(string text, bool keepsTail)
{
    /// <summary>Tokens cut beyond the overflow, so the note about the cut still fits.</summary>
    private const int NoteAllowance = 16;

    public string Text { get; private set; } = text;

    public int CutTokens { get; private set; }

    public bool IsEmpty => Text.Length == 0;

    /// <summary>Cuts at least <paramref name="overflow"/> tokens; false when there was nothing left to cut.</summary>
    public bool Cut(int overflow, Tokenizer tokenizer)
    {
        if (IsEmpty) return false;
        var tokens = tokenizer.CountTokens(Text);
        var keep = tokens - overflow - NoteAllowance;
        if (keep <= 0)
        {
            Text = "";
            CutTokens += tokens;
            return true;
        }
        Text = keepsTail
            ? Text[tokenizer.GetIndexByTokenCountFromEnd(Text, keep, out _, out _)..]
            : Text[..tokenizer.GetIndexByTokenCount(Text, keep, out _, out _)];
        CutTokens += tokens - tokenizer.CountTokens(Text);
        return true;
    }

    public string Render(string whenEmpty)
    {
        if (CutTokens == 0) return Text.Length == 0 ? whenEmpty : Text;
        var note = $"[{CutTokens} tokens left out to fit the context window]";
        if (Text.Length == 0) return note;
        return keepsTail ? $"{note}\n{Text}" : $"{Text}\n{note}";
    }
}
