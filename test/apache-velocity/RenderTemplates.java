import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.lang3.StringEscapeUtils;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;

/**
 * Renders webhook templates with Apache Velocity 1.7, the Java engine MessageMedia renders them
 * with, for apache-velocity.test.ts (`npm run test:velocity`). Run as a single source file:
 * `java -cp <velocity and commons jars> RenderTemplates.java <cases file>`.
 *
 * The cases file is line based so no JSON library is needed; every free value is base64 (UTF-8):
 *   T <template>            starts a template; the cases after it render it
 *   C <name>                starts a case
 *   S <var> <value>         a string variable
 *   N <var> <integer>       an integer variable
 *   M                       declares an empty `$metadata` map
 *   M <key> <value>         a `$metadata` entry (insertion-ordered, like MessageMedia's map)
 *   A <index> <field> <v>   a field of `$attachments[index]`
 *   E                       ends the case and renders it
 * Output, one line per case: `R <name> <rendered>` or `X <name> <error>`.
 */
public class RenderTemplates {
	/** `$esc` as Velocity Tools' EscapeTool offers it: json() is commons-lang3 escapeJson. */
	public static class Esc {
		public String json(Object value) {
			return value == null ? null : StringEscapeUtils.escapeJson(String.valueOf(value));
		}
	}

	private static String decode(String b64) {
		return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
	}

	private static String encode(String s) {
		return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
	}

	public static void main(String[] args) throws Exception {
		VelocityEngine engine = new VelocityEngine();
		engine.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
		engine.init();
		String template = "";
		String name = "";
		VelocityContext ctx = null;
		Map<String, String> metadata = null;
		List<Map<String, String>> attachments = null;
		StringBuilder out = new StringBuilder();
		for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
			if (line.isEmpty()) continue;
			String[] f = line.split(" ", -1);
			switch (f[0]) {
				case "T":
					template = decode(f[1]);
					break;
				case "C":
					name = f[1];
					ctx = new VelocityContext();
					ctx.put("esc", new Esc());
					metadata = null;
					attachments = null;
					break;
				case "S":
					ctx.put(f[1], decode(f[2]));
					break;
				case "N":
					ctx.put(f[1], Integer.valueOf(f[2]));
					break;
				case "M":
					if (metadata == null) {
						metadata = new LinkedHashMap<>();
						ctx.put("metadata", metadata);
					}
					if (f.length == 3) metadata.put(decode(f[1]), decode(f[2]));
					break;
				case "A":
					if (attachments == null) {
						attachments = new ArrayList<>();
						ctx.put("attachments", attachments);
					}
					int i = Integer.parseInt(f[1]);
					while (attachments.size() <= i) attachments.add(new LinkedHashMap<>());
					attachments.get(i).put(f[2], decode(f[3]));
					break;
				case "E":
					try {
						StringWriter w = new StringWriter();
						engine.evaluate(ctx, w, name, template);
						out.append("R ").append(name).append(' ').append(encode(w.toString())).append('\n');
					} catch (Exception e) {
						out.append("X ").append(name).append(' ').append(encode(String.valueOf(e))).append('\n');
					}
					break;
				default:
					throw new IllegalArgumentException("unknown line: " + f[0]);
			}
		}
		System.out.print(out);
	}
}
