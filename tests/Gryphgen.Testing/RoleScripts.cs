using System.Collections.Concurrent;
using System.Text.Json;

namespace Gryphgen.Testing;

/// <summary>
/// What each role answers, per scenario, for a <see cref="ScriptedLlmServer"/> serving the four agents: a request
/// belongs to the scenario whose marker its prompt contains (put the marker in the task's title) and to the role
/// in its <c>X-Gryphgen-Role</c> header. A role's answers are given in order; the last one repeats.
/// </summary>
public sealed class RoleScripts
{
    private readonly ConcurrentDictionary<(string Marker, string Role), Answers> _scripts = new();
    private readonly ConcurrentDictionary<(string Marker, string Role), ManualResetEventSlim> _holds = new();

    /// <summary>A marker no other scenario's prompt contains.</summary>
    public static string NewMarker(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)];

    public void Script(string marker, string role, params string[] answers) => _scripts[(marker, role)] = new Answers(answers);

    /// <summary>Requests of the role in the scenario this script has received so far.</summary>
    public int Calls(string marker, string role) => _scripts.TryGetValue((marker, role), out var answers) ? answers.Calls : 0;

    /// <summary>From now on the role's requests in the scenario wait (holding their connection) until <see cref="Release"/>.</summary>
    public void Hold(string marker, string role) => _holds[(marker, role)] = new ManualResetEventSlim(false);

    public void Release(string marker, string role)
    {
        if (_holds.TryRemove((marker, role), out var gate)) gate.Set();
    }

    /// <summary>The answer for a request; plug it in as <see cref="ScriptedLlmServer.Fallback"/>.</summary>
    public string Answer(ScriptedRequest request)
    {
        var role = request.Header("X-Gryphgen-Role") ?? "";
        var text = request.Text;
        // The task's own title comes first in the prompt; other tasks' markers may follow in retrieved lessons.
        var key = _scripts.Keys.Where(k => k.Role == role)
            .Select(k => (Key: k, At: text.IndexOf(k.Marker, StringComparison.Ordinal)))
            .Where(k => k.At >= 0).OrderBy(k => k.At).Select(k => k.Key).FirstOrDefault();
        if (key == default) return $"no script for a {role} request";
        var answer = _scripts[key].Next();
        if (_holds.TryGetValue(key, out var gate)) gate.Wait(TimeSpan.FromMinutes(5));
        return answer;
    }

    private sealed class Answers(string[] answers)
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string Next() => answers[Math.Min(Interlocked.Increment(ref _calls), answers.Length) - 1];
    }
}

/// <summary>Role replies in the shapes the agents validate (see Gryphgen.Contracts.Fabric.RoleReplies).</summary>
public static class RoleAnswers
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Generate(string summary, params (string Path, string Content)[] files) =>
        JsonSerializer.Serialize(new { files = files.Select(f => new { path = f.Path, content = f.Content }), summary }, Json);

    public static string Analyze(string verdict, string advice, params (string File, int Line, string Message)[] problems) =>
        JsonSerializer.Serialize(new { verdict, problems = problems.Select(p => new { file = p.File, line = p.Line, message = p.Message }), advice }, Json);

    public static string Monitor(bool aligned, double score, params string[] unmet) =>
        JsonSerializer.Serialize(new { aligned, unmet, score }, Json);

    public static string Optimize(string action, string reason, string? checkpoint = null) =>
        JsonSerializer.Serialize(new { action, checkpoint, reason }, Json);
}
