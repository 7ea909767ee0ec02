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
