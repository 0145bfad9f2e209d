namespace Gryphgen.Symorg.Tests;

/// <summary>A small project on disk with code, docs, ignored files and every kind of file ingestion must skip.</summary>
public static class SampleRepository
{
    public const string WidgetParser = """
        using System.Text.Json;

        namespace Acme.Widgets;

        /// <summary>Reads widget configuration files.</summary>
        public sealed class WidgetParser
        {
            private readonly JsonSerializerOptions _options = new() { PropertyNameCaseInsensitive = true };

            /// <summary>Parses a widget configuration from its JSON text.</summary>
            public WidgetConfig ParseWidgetConfig(string json)
            {
                var config = JsonSerializer.Deserialize<WidgetConfig>(json, _options)
                    ?? throw new FormatException("empty widget configuration");
                if (config.Width <= 0) throw new FormatException("a widget needs a positive width");
                return config;
            }

            /// <summary>Writes a widget configuration back to JSON.</summary>
            public string Format(WidgetConfig config) => JsonSerializer.Serialize(config, _options);
        }

        public sealed record WidgetConfig(string Name, int Width, int Height);
        """;

    public const string Geometry = """
        import math


        class Shape:
            "A plane figure."

            def describe(self):
                return f"{type(self).__name__} with area {self.area()}"


        def area_of_circle(radius):
            "Return the area of a circle: pi times the radius squared."
            if radius < 0:
                raise ValueError("radius must not be negative")
            return math.pi * radius * radius


        def fahrenheit_to_celsius(degrees):
            "Convert a temperature from Fahrenheit to Celsius."
            return (degrees - 32) * 5 / 9
        """;

    public const string Guide = """
        # Guide

        This guide explains how to set the service up and run it.

        ## Installing

        Install the package with the system's package manager, then create the configuration folder and copy the
        example configuration into it. The service reads its settings at start-up only.

        ## Deploying to production

        Production runs behind a reverse proxy with TLS terminated at the proxy. Keep two replicas running so that a
        rolling restart never drops a request, and watch the health endpoint from the load balancer.
        """;

    public static string WriteTo(string root)
    {
        Write(root, "src/WidgetParser.cs", WidgetParser);
        Write(root, "src/geometry.py", Geometry);
        Write(root, "docs/guide.md", Guide);
        Write(root, ".gitignore", "build/\n*.log\n");
        Write(root, "build/Generated.cs", "class Generated {}");
        Write(root, "trace.log", "ignored by .gitignore");
        Write(root, ".git/HEAD", "ref: refs/heads/main");
        Directory.CreateDirectory(Path.Combine(root, "assets"));
        File.WriteAllBytes(Path.Combine(root, "assets/logo.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]);
        File.WriteAllBytes(Path.Combine(root, "latin1.txt"), [0x63, 0x61, 0x66, 0xE9, 0x0A]); // "café" in Latin-1
        Write(root, "huge.txt", new string('x', (int)SymorgHost.MaxFileBytes + 1));
        return root;
    }

    public static void Write(string root, string relativePath, string text)
    {
        var path = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
