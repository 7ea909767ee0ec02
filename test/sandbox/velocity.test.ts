import { renderTemplate } from '../../sandbox';

describe('sandbox renderTemplate', () => {
	it('escapes like EscapeTool.json', () => {
		const out = renderTemplate('$esc.json($s)', { s: 'a"b\\c/d\n\t\r\b\f\u0001é😀\u007f' });
		expect(out).toBe('a\\"b\\\\c\\/d\\n\\t\\r\\b\\f\\u0001\\u00E9\\uD83D\\uDE00\\u007F');
		expect(renderTemplate('[$esc.json($missing)]', {})).toBe('[]');
	});

	it('treats metadata as a Java Map', () => {
		const vars = { metadata: { a: '1', b: '2' } };
		expect(
			renderTemplate(
				'#foreach($k in $metadata.keySet())$k=$metadata.get($k)#if($foreach.hasNext),#end#end',
				vars,
			),
		).toBe('a=1,b=2');
		expect(
			renderTemplate('#foreach($e in $metadata.entrySet())$e.key:$e.getValue();#end', vars),
		).toBe('a:1;b:2;');
		expect(renderTemplate('$metadata.size() $metadata.isEmpty() $metadata.a', vars)).toBe(
			'2 false 1',
		);
	});

	it('leaves unset variables literal unless quiet', () => {
		expect(renderTemplate('$replyId|$!replyId|$notificationId', { notificationId: 'n' })).toBe(
			'$replyId||n',
		);
	});

	it('iterates attachments', () => {
		const attachments = [{ contentType: 'image/png', base64: 'AAA=', originalName: 'a.png' }];
		expect(
			renderTemplate('#foreach($a in $attachments)$a.contentType,$a.base64,$a.originalName#end', {
				attachments,
			}),
		).toBe('image/png,AAA=,a.png');
	});
});

describe('sandbox renderTemplate: $velocityHasNext (Apache Velocity 1.7)', () => {
	// The metadata loop of MessageMedia's own n8n package template.
	const n8nPackageTemplate =
		'{"id":"$!moId","metadata":{#foreach($key in $metadata.keySet())"$key" : ' +
		'"$esc.json($metadata.get($key))"#if( $velocityHasNext ), #end#end}}';

	it('separates list items so the template renders valid JSON', () => {
		const out = renderTemplate(n8nPackageTemplate, {
			moId: 'r-1',
			metadata: { a: '1', b: '2', c: '3' },
		});
		expect(JSON.parse(out)).toEqual({ id: 'r-1', metadata: { a: '1', b: '2', c: '3' } });
		expect(JSON.parse(renderTemplate(n8nPackageTemplate, { metadata: {} }))).toEqual({
			id: '',
			metadata: {},
		});
	});

	it('follows the innermost loop and is unset outside any loop', () => {
		const out = renderTemplate(
			'#foreach($a in [1,2])[#foreach($b in [3,4,5])$b#if($velocityHasNext),#end#end]' +
				'#if($velocityHasNext);#end#end|$velocityHasNext|$!velocityHasNext|',
			{},
		);
		expect(out).toBe('[3,4,5];[3,4,5]|$velocityHasNext||');
	});
});
