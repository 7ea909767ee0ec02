/**
 * The trigger's webhook template rendered by Apache Velocity 1.7, the Java engine MessageMedia
 * renders templates with, beside velocityjs (the sandbox's engine), with the hostile texts of the
 * template tests. Every payload must parse as JSON and both engines must agree.
 *
 * `npm run test:velocity`, not part of `npm test`: it needs Java 11+ and Debian's `velocity`
 * package, which `scripts/ensure-velocity.sh` installs (as root, with apt-get). Without them the
 * suite fails and says so, rather than skipping.
 */
import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { renderTemplate } from '../../sandbox';
import { WEBHOOK_TEMPLATE } from '../sandbox/product-template';
import { DR_VARS, HOSTILE, MMS_VARS, MO_VARS, OPT_OUT_VARS } from '../trigger/fixtures';

const RUNNER = join(__dirname, 'RenderTemplates.java');
const JARS = ['velocity', 'commons-collections3', 'commons-lang', 'commons-lang3'].map(
	(j) => `/usr/share/java/${j}.jar`,
);

/** What of Java and Apache Velocity is missing, or undefined when everything is installed. */
function missingTools(): string | undefined {
	const jars = JARS.filter((jar) => !existsSync(jar));
	if (jars.length > 0) return jars.join(', ');
	return spawnSync('javac', ['-version']).status === 0 ? undefined : 'javac (a JDK 11+)';
}

/**
 * Compiles the runner once per source version into the temp dir: starting a JVM on compiled
 * classes is quick, compiling on every run is what would make this suite slow.
 */
function compiledRunner(): string {
	const source = readFileSync(RUNNER);
	const hash = createHash('sha256').update(source).update(JARS.join(':')).digest('hex');
	const dir = join(tmpdir(), `n8n-nodes-messagemedia-velocity-${hash.slice(0, 16)}`);
	if (!existsSync(join(dir, 'RenderTemplates.class'))) {
		const staging = mkdtempSync(join(tmpdir(), 'velocity-runner-'));
		execFileSync('javac', ['-nowarn', '-cp', JARS.join(':'), '-d', staging, RUNNER], {
			stdio: 'pipe',
			timeout: 120_000,
		});
		mkdirSync(dir, { recursive: true });
		for (const f of ['RenderTemplates.class', 'RenderTemplates$Esc.class']) {
			writeFileSync(join(dir, f), readFileSync(join(staging, f)));
		}
		rmSync(staging, { recursive: true, force: true });
	}
	return dir;
}

type Vars = Record<string, unknown>;
interface Case {
	name: string;
	vars: Vars;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Writes variables as the runner reads them (see RenderTemplates.java). */
function encodeCase({ name, vars }: Case): string[] {
	const lines = [`C ${name}`];
	for (const [k, v] of Object.entries(vars)) {
		if (k === 'metadata') {
			lines.push('M');
			for (const [mk, mv] of Object.entries(v as Record<string, string>)) {
				lines.push(`M ${b64(mk)} ${b64(mv)}`);
			}
		} else if (k === 'attachments') {
			(v as Array<Record<string, string>>).forEach((a, i) => {
				for (const [field, value] of Object.entries(a)) lines.push(`A ${i} ${field} ${b64(value)}`);
			});
		} else if (typeof v === 'number') {
			lines.push(`N ${k} ${v}`);
		} else {
			lines.push(`S ${k} ${b64(String(v))}`);
		}
	}
	lines.push('E');
	return lines;
}

/** Renders every case of every template in one JVM run. */
function renderWithApacheVelocity(
	templates: Record<string, string>,
	casesFor: Record<string, Case[]>,
) {
	const dir = mkdtempSync(join(tmpdir(), 'apache-velocity-'));
	try {
		const lines: string[] = [];
		for (const [id, template] of Object.entries(templates)) {
			lines.push(`T ${b64(template)}`);
			for (const c of casesFor[id]) lines.push(...encodeCase({ ...c, name: `${id}:${c.name}` }));
		}
		const input = join(dir, 'cases.txt');
		writeFileSync(input, lines.join('\n') + '\n');
		const classpath = [compiledRunner(), ...JARS].join(':');
		const out = execFileSync('java', ['-cp', classpath, 'RenderTemplates', input], {
			encoding: 'utf8',
			timeout: 120_000,
			maxBuffer: 64 * 1024 * 1024,
		});
		const results = new Map<string, string>();
		for (const line of out.split('\n').filter(Boolean)) {
			const [kind, name, payload] = line.split(' ');
			const text = Buffer.from(payload, 'base64').toString('utf8');
			if (kind !== 'R') throw new Error(`Apache Velocity failed on ${name}: ${text}`);
			results.set(name, text);
		}
		return results;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** A STOP that answers no message: no message ids and no `$metadata` at all. */
const UNSOLICITED_OPT_OUT = Object.fromEntries(
	Object.entries(OPT_OUT_VARS).filter(([k]) => !['metadata', 'messageId', 'mtId'].includes(k)),
);

const CASES: Case[] = [
	{ name: 'sms', vars: { ...MO_VARS } },
	{
		name: 'sms-hostile',
		vars: { ...MO_VARS, moContent: HOSTILE, metadata: { note: HOSTILE, appointmentId: 'A-17' } },
	},
	{ name: 'mms', vars: { ...MMS_VARS } },
	{ name: 'mms-hostile-name', vars: { ...MMS_VARS, moContent: HOSTILE } },
	{ name: 'opt-out', vars: { ...OPT_OUT_VARS } },
	{ name: 'opt-out-unsolicited', vars: { ...UNSOLICITED_OPT_OUT } },
	{ name: 'dr', vars: { ...DR_VARS, mtContent: HOSTILE } },
	{ name: 'dr-failed', vars: { ...DR_VARS, status: 'failed', statusCode: 414 } },
];

// The metadata loop of MessageMedia's spec DR sample and of its own n8n package's template,
// which separate items with Velocity 1.x's `$velocityHasNext`.
const VELOCITY_HAS_NEXT_TEMPLATE =
	'{"id":"$!drId$!moId","metadata":{#foreach($key in $metadata.keySet())"$key" : ' +
	'"$esc.json($metadata.get($key))"#if( $velocityHasNext ), #end#end}}';

const TEMPLATES = { product: WEBHOOK_TEMPLATE, velocityHasNext: VELOCITY_HAS_NEXT_TEMPLATE };

/** MessageMedia's template writes metadata keys unescaped, so it gets hostile values only. */
const CASES_FOR: Record<keyof typeof TEMPLATES, Case[]> = {
	product: CASES,
	velocityHasNext: CASES.map((c) => ({
		...c,
		vars: {
			...c.vars,
			...(c.vars.metadata ? { metadata: { appointmentId: 'A-17', note: HOSTILE, empty: '' } } : {}),
		},
	})),
};

describe('webhook template in Apache Velocity 1.7', () => {
	let java: Map<string, string>;
	beforeAll(() => {
		const missing = missingTools();
		if (missing) {
			throw new Error(`${missing} not installed: run scripts/ensure-velocity.sh first`);
		}
		java = renderWithApacheVelocity(TEMPLATES, CASES_FOR);
	});

	describe.each(Object.keys(TEMPLATES) as Array<keyof typeof TEMPLATES>)('%s template', (id) => {
		it.each(CASES_FOR[id].map((c) => [c.name, c] as const))(
			'%s renders as the same valid JSON in both engines',
			(_name, c) => {
				const template = TEMPLATES[id];
				const fromJava = java.get(`${id}:${c.name}`);
				expect(fromJava).toBeDefined();
				const parsedJava = JSON.parse(fromJava!);
				const fromJs = renderTemplate(template, c.vars);
				expect(JSON.parse(fromJs)).toEqual(parsedJava);
				expect(fromJs).toBe(fromJava);
			},
		);
	});

	it('carries hostile text through Apache Velocity unchanged', () => {
		const sms = JSON.parse(java.get('product:sms-hostile')!);
		expect(JSON.stringify(sms)).toContain(JSON.stringify(HOSTILE).slice(1, -1));
		const dr = JSON.parse(java.get('product:dr')!);
		expect(JSON.stringify(dr)).toContain(JSON.stringify(HOSTILE).slice(1, -1));
	});
});
