# Prints the functions of the Python standard library that have a docstring, one JSON object a line:
# the docstring (the query) and the function's source with the docstring removed (the answer).
import ast, json, pathlib, random, sys, sysconfig

root = pathlib.Path(sysconfig.get_paths()["stdlib"])
count, seed = int(sys.argv[1]), int(sys.argv[2])
found = []
for path in sorted(root.rglob("*.py")):
    relative = path.relative_to(root).as_posix()
    if "test" in relative.split("/")[0] or "site-packages" in relative or "idlelib" in relative:
        continue
    try:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
    except (SyntaxError, UnicodeDecodeError, ValueError):
        continue
    lines = source.splitlines()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        doc = ast.get_docstring(node)
        if not doc or len(doc) < 40 or not node.body or len(node.body) < 2:
            continue
        first = node.body[0]
        body = lines[node.lineno - 1:first.lineno - 1] + lines[first.end_lineno:node.end_lineno]
        found.append({"module": relative, "name": node.name, "doc": doc, "code": "\n".join(body)})
random.Random(seed).shuffle(found)
print(json.dumps({"total": len(found)}))
for item in found[:count]:
    print(json.dumps(item))
