namespace Gryphgen.Testing;

/// <summary>
/// A shared library whose constructor appends, to <c>/workspace/probe.log</c>, "uid CapEff" of every process it is
/// loaded into: with LD_PRELOAD, it shows who code the loader runs would run as.
/// </summary>
public static class LoaderProbe
{
    public const string Source = """
        #include <stdio.h>
        #include <string.h>
        #include <unistd.h>
        __attribute__((constructor)) static void probe(void) {
            char line[256], caps[64] = "?";
            FILE *status = fopen("/proc/self/status", "r");
            while (status && fgets(line, sizeof line, status)) {
                if (strncmp(line, "CapEff:", 7) == 0) sscanf(line + 7, "%63s", caps);
            }
            if (status) fclose(status);
            FILE *out = fopen("/workspace/probe.log", "a");
            if (out) { fprintf(out, "%d %s\n", (int)getuid(), caps); fclose(out); }
        }
        """;

    /// <summary>CapEff of a process with no capabilities.</summary>
    public const string NoCapabilities = "0000000000000000";
}
